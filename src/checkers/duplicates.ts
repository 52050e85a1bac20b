import type { Checker } from "../core/checker.js";
import type { History } from "../core/history.js";
import type { DeliveryRecord } from "../history/views.js";
import { Findings } from "./findings.js";
import { chainKey, deletes, derive, producerDuplicated, tokenKey } from "./indexes.js";
import { viewOf } from "./view.js";

/**
 * Classifies every repeated delivery of a copy: after an acknowledged complete or a deleting
 * receive (a broker bug), from a producer retry, or an ordinary redelivery.
 */
export const duplicates: Checker = {
  name: "duplicates",
  description: "no message is delivered again after it was completed or deleted; producer duplicates and redeliveries are counted",
  anomalies: ["duplicate-redelivery", "duplicate-producer", "duplicated", "redelivered"],
  check(history: History, context) {
    const view = viewOf(history, context);
    const { sends, heads, next, token } = derive(view);
    const deliveries = view.deliveries;
    const exactlyOnce = view.setup.claims?.exactlyOnce === true;
    const f = new Findings();

    // Ok completes of main-queue copies; the token tells which stored message (brokerId) it removed.
    const atCopy = new Map<string, { at: number; n: number; index: number; id: string; entity: string }>();
    const atBroker = new Map<string, number>();
    for (const s of view.settles) {
      if (s.outcome !== "complete" || s.type !== "ok") continue;
      const via = s.lockToken === undefined ? undefined : token.get(tokenKey(s.entity, s.lockToken));
      const d = via === undefined ? undefined : deliveries[via]!;
      if (d?.delivery.dlq) continue;
      const copy = chainKey(s.entity, s.id);
      const at = s.completeTime ?? s.invokeTime;
      const c = atCopy.get(copy);
      if (!c) atCopy.set(copy, { at, n: 1, index: s.completeIndex ?? s.invokeIndex, id: s.id, entity: s.entity });
      else {
        c.n += 1;
        if (at < c.at) c.at = at;
      }
      const bid = d?.delivery.brokerId;
      if (bid !== undefined) {
        const bk = `${copy}\u0000${bid}`;
        const prior = atBroker.get(bk);
        if (prior === undefined || at < prior) atBroker.set(bk, at);
      }
    }
    for (const c of atCopy.values()) {
      if (c.n < 2) continue;
      if (!exactlyOnce) f.count("duplicated");
      else if (f.report("duplicated"))
        f.example("duplicated", { indexes: [c.index], id: c.id, entity: c.entity, explanation: `message ${c.id} at ${c.entity} was completed successfully ${c.n} times, though exactly-once is claimed.` });
    }

    for (const h of heads) {
      const first = deliveries[h]!;
      if (first.delivery.dlq || next[h]! < 0) continue;
      const id = first.delivery.id;
      const copy = chainKey(first.delivery.entity, id);
      const multi = producerDuplicated(sends.get(id));
      // Earlier deliveries of this copy, for brokerId and deleted-instance lookups (short lists).
      const seen: DeliveryRecord[] = [first];
      for (let i = next[h]!; i >= 0; i = next[i]!) {
        const d = deliveries[i]!;
        const bid = d.delivery.brokerId;
        const same = bid === undefined ? undefined : lastWith(seen, bid);
        const byBroker = multi && bid !== undefined;
        const prev = byBroker ? same : seen[seen.length - 1];
        seen.push(d);
        if (multi && same === undefined) {
          if (!exactlyOnce) f.count("duplicate-producer");
          else if (f.report("duplicate-producer"))
            f.example("duplicate-producer", { indexes: [first.index, d.index], id, entity: first.delivery.entity, explanation: `message ${id} was stored and delivered again as a second broker message after a producer retry, though exactly-once is claimed.` });
          continue;
        }
        const completedAt = byBroker ? atBroker.get(`${copy}\u0000${bid}`) : atCopy.get(copy)?.at;
        const afterComplete = completedAt !== undefined && completedAt <= d.invokeTime;
        if (afterComplete || (prev !== undefined && deletes(prev))) {
          if (f.report("duplicate-redelivery"))
            f.example("duplicate-redelivery", {
              indexes: [prev?.index ?? first.index, d.index],
              id,
              entity: first.delivery.entity,
              explanation: afterComplete
                ? `message ${id} was delivered again after a complete of it had been acknowledged.`
                : `message ${id} was delivered again after a receive-and-delete or drain had removed it.`,
            });
        } else f.count("redelivered");
      }
    }

    const valid = f.total("duplicate-redelivery") > 0 || (exactlyOnce && f.any(["duplicate-producer", "duplicated"])) ? false : true;
    return f.result(valid, { stats: { deliveries: deliveries.length } });
  },
};

function lastWith(seen: readonly DeliveryRecord[], brokerId: string): DeliveryRecord | undefined {
  for (let i = seen.length - 1; i >= 0; i--) if (seen[i]!.delivery.brokerId === brokerId) return seen[i];
  return undefined;
}
