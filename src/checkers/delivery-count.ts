import type { DeliveryRecord, HistoryView } from "../history/views.js";
import type { Findings } from "./findings.js";
import { brokerOrder, derive, producerDuplicated } from "./indexes.js";
import { toleranceNs } from "./view.js";

const instances: (string | undefined)[] = [];
const prior: DeliveryRecord[] = [];

/**
 * deliverycount-nonmonotonic: per stored message, main-queue delivery counts (deferred fetches
 * and null counts skipped) strictly increase in broker order and start at 1, unless an earlier
 * read of that source ended indeterminate (its deliveries may be missing from the history).
 */
export function checkDeliveryCounts(view: HistoryView, f: Findings): void {
  const { heads, next, msg } = derive(view);
  const deliveries = view.deliveries;
  const eps = toleranceNs(view.setup);
  for (const h of heads) {
    const first = deliveries[h]!;
    if (first.delivery.dlq) continue;
    // Fast path: a copy delivered once.
    if (next[h]! < 0) {
      const count = first.delivery.deliveryCount;
      if (count === 1 || count === null || count === undefined || first.delivery.deferred) continue;
    }
    const multi = producerDuplicated(msg[h]);
    instances.length = prior.length = 0;
    for (let i = h; i >= 0; i = next[i]!) {
      const d = deliveries[i]!;
      const count = d.delivery.deliveryCount;
      if (count === null || count === undefined || d.delivery.deferred) continue;
      const bid = d.delivery.brokerId;
      // Several stored copies of one id that the history cannot tell apart: skip the copy.
      if (multi && bid === undefined) break;
      const inst = multi ? bid : undefined;
      const slot = instances.indexOf(inst);
      const before = slot < 0 ? undefined : prior[slot]!;
      let problem: string | undefined;
      if (!before) {
        if (count !== 1 && !uncertainBefore(view, d) && !overtaken(view, i, next, eps))
          problem = `the first delivery of message ${d.delivery.id} reported deliveryCount ${count}, not 1.`;
        instances.push(inst);
        prior.push(d);
      } else {
        const was = before.delivery.deliveryCount!;
        // Equal counts are wrong in any order; otherwise compare in broker order when it is known.
        const order = count === was ? 1 : brokerOrder(before, d, eps);
        if ((order > 0 && count <= was) || (order < 0 && count >= was))
          problem = `message ${d.delivery.id} reported deliveryCount ${count} after an earlier delivery reported ${was}.`;
        prior[slot] = d;
      }
      if (problem && f.report("deliverycount-nonmonotonic"))
        f.example("deliverycount-nonmonotonic", { indexes: [first.index, d.index], id: d.delivery.id, entity: d.delivery.entity, key: d.delivery.key, explanation: problem });
    }
  }
}

/** A read of the source ended indeterminate before this delivery: an earlier delivery may be missing. */
function uncertainBefore(view: HistoryView, d: DeliveryRecord): boolean {
  const at = view.uncertainReads.get(d.delivery.entity);
  return at !== undefined && at < d.time;
}

/** The next delivery of the chain overlapped this one and the broker made it first (a delayed reply). */
function overtaken(view: HistoryView, i: number, next: Int32Array, eps: number): boolean {
  const j = next[i]!;
  return j >= 0 && brokerOrder(view.deliveries[i]!, view.deliveries[j]!, eps) < 0;
}
