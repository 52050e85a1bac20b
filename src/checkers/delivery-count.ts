import type { HistoryView } from "../history/views.js";
import type { Findings } from "./findings.js";
import { derive, producerDuplicated } from "./indexes.js";

/**
 * deliverycount-nonmonotonic: per stored message, main-queue delivery counts (deferred fetches
 * and null counts skipped) strictly increase and start at 1, unless an earlier read of that
 * source ended indeterminate (its deliveries may have been lost from the history).
 */
export function checkDeliveryCounts(view: HistoryView, f: Findings): void {
  const { sends, heads, next } = derive(view);
  const deliveries = view.deliveries;
  const lastCount: number[] = [];
  const lastBroker: (string | undefined)[] = [];
  for (const h of heads) {
    const first = deliveries[h]!;
    if (first.delivery.dlq) continue;
    const multi = producerDuplicated(sends.get(first.delivery.id));
    lastCount.length = 0;
    lastBroker.length = 0;
    for (let i = h; i >= 0; i = next[i]!) {
      const d = deliveries[i]!;
      const count = d.delivery.deliveryCount;
      if (count === null || count === undefined || d.delivery.deferred) continue;
      const bid = d.delivery.brokerId;
      // Several stored copies of one id that the history cannot tell apart: skip the copy.
      if (multi && bid === undefined) break;
      const slot = lastBroker.indexOf(multi ? bid : undefined);
      const prior = slot < 0 ? undefined : lastCount[slot];
      let problem: string | undefined;
      if (prior === undefined) {
        const uncertain = view.uncertainReads.get(d.delivery.entity);
        if (count !== 1 && !(uncertain !== undefined && uncertain < d.time))
          problem = `the first delivery of message ${d.delivery.id} reported deliveryCount ${count}, not 1.`;
      } else if (count <= prior) problem = `message ${d.delivery.id} reported deliveryCount ${count} after an earlier delivery reported ${prior}.`;
      if (slot < 0) {
        lastBroker.push(multi ? bid : undefined);
        lastCount.push(count);
      } else lastCount[slot] = count;
      if (problem && f.report("deliverycount-nonmonotonic"))
        f.example("deliverycount-nonmonotonic", { indexes: [first.index, d.index], id: d.delivery.id, entity: d.delivery.entity, key: d.delivery.key, explanation: problem });
    }
  }
}
