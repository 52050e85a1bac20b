import type { Checker } from "../core/checker.js";
import type { History } from "../core/history.js";
import type { DeliveryRecord } from "../history/views.js";
import { Findings } from "./findings.js";
import { EntityInfo, deletes, derive, findChain, producerDuplicated } from "./indexes.js";
import { viewOf } from "./view.js";

/**
 * Classifies every repeated delivery of a copy: after an acknowledged complete or a deleting
 * receive (a broker bug), from a producer retry, or an ordinary redelivery.
 */
export const duplicates: Checker = {
  name: "duplicates",
  description: "no message is delivered again after it was completed or deleted; producer duplicates and redeliveries are counted",
  anomalies: ["duplicate-redelivery", "duplicate-producer", "duplicate-stored", "duplicated", "redelivered"],
  check(history: History, context) {
    const view = viewOf(history, context);
    const { heads, next, chain, msg, settleDelivery } = derive(view);
    const info = new EntityInfo(view);
    const deliveries = view.deliveries;
    const exactlyOnce = view.setup.claims?.exactlyOnce === true;
    const f = new Findings();

    // Acknowledged completes per main-queue copy (by chain head): earliest completion, count, first index.
    const doneAt = new Float64Array(deliveries.length).fill(Infinity);
    const doneCount = new Int32Array(deliveries.length);
    const doneIndex = new Int32Array(deliveries.length);
    // Per stored message (`head\0brokerId`), kept only for copies delivered more than once.
    const doneByBroker = new Map<string, number>();
    const settles = view.settles;
    for (let k = 0; k < settles.length; k++) {
      const s = settles[k]!;
      if (s.outcome !== "complete" || s.type !== "ok") continue;
      const di = settleDelivery[k]!;
      if (di >= 0 && deliveries[di]!.delivery.dlq) continue;
      const h = di >= 0 ? chain[di]! : findChain(view, s.id, s.entity, false);
      if (h < 0) continue;
      const at = s.completeTime ?? s.invokeTime;
      if (doneCount[h] === 0) doneIndex[h] = s.completeIndex ?? s.invokeIndex;
      doneCount[h]! += 1;
      if (at < doneAt[h]!) doneAt[h] = at;
      const bid = di >= 0 ? deliveries[di]!.delivery.brokerId : undefined;
      if (bid !== undefined && next[h]! >= 0) {
        const bk = `${h}\u0000${bid}`;
        if (at < (doneByBroker.get(bk) ?? Infinity)) doneByBroker.set(bk, at);
      }
    }

    for (const h of heads) {
      const first = deliveries[h]!;
      if (first.delivery.dlq) continue;
      const { id, entity } = first.delivery;
      if (doneCount[h]! >= 2) {
        if (!exactlyOnce) f.count("duplicated");
        else if (f.report("duplicated"))
          f.example("duplicated", { indexes: [doneIndex[h]!], id, entity, explanation: `message ${id} at ${entity} was completed successfully ${doneCount[h]} times, though exactly-once is claimed.` });
      }
      if (next[h]! < 0) continue;
      // Broker ids name stored messages: a different one is a second stored copy (a producer
      // retry, by the application or inside the client), not a redelivery.
      const multi = producerDuplicated(msg[h]) || first.delivery.brokerId !== undefined;
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
          // Blame the producer only when the history shows it sending the id again.
          const byProducer = producerDuplicated(msg[h]);
          const name = byProducer ? "duplicate-producer" : "duplicate-stored";
          const cause = byProducer ? "the history shows the producer sending it again" : "the history shows one send and no retry, so the client library or the broker stored it twice";
          if (!exactlyOnce) f.count(name);
          else if (f.report(name))
            f.example(name, { indexes: [first.index, d.index], id, entity, explanation: `message ${id} was stored twice (broker ids ${first.delivery.brokerId ?? "?"} and ${bid}): ${cause}, though exactly-once is claimed.` });
          continue;
        }
        const completedAt = byBroker ? doneByBroker.get(`${h}\u0000${bid}`) : doneAt[h]!;
        const afterComplete = completedAt !== undefined && completedAt <= issuedBy(d, info);
        // A deleting read only proves a bug when it certainly came first (its reply preceded this read).
        const afterDelete = prev !== undefined && deletes(prev) && prev.time <= d.invokeTime;
        if (afterComplete || afterDelete) {
          if (f.report("duplicate-redelivery"))
            f.example("duplicate-redelivery", {
              indexes: [prev?.index ?? first.index, d.index], id, entity,
              explanation: afterComplete
                ? `message ${id} was delivered again after a complete of it had been acknowledged.`
                : `message ${id} was delivered again after a receive-and-delete or drain had removed it.`,
            });
        } else f.count("redelivered");
      }
    }

    const valid = f.total("duplicate-redelivery") > 0 || (exactlyOnce && f.any(["duplicate-producer", "duplicate-stored", "duplicated"])) ? false : true;
    return f.result(valid, { stats: { deliveries: deliveries.length } });
  },
};

/**
 * The latest time the broker can have handed `d` out: the receive's invocation, or earlier when
 * its lock stamp says so (lockedUntil − lock duration). A client library that buffers transfers
 * (the Service Bus SDK's credit) can return a delivery in a later receive call than the one the
 * broker answered; its lock stamp still dates it.
 */
function issuedBy(d: DeliveryRecord, info: EntityInfo): number {
  const lock = info.lockDurationNs(d.delivery.entity);
  const until = d.delivery.lockedUntil;
  return until !== undefined && lock !== undefined ? Math.min(d.invokeTime, until - lock) : d.invokeTime;
}

function lastWith(seen: readonly DeliveryRecord[], brokerId: string): DeliveryRecord | undefined {
  for (let i = seen.length - 1; i >= 0; i--) if (seen[i]!.delivery.brokerId === brokerId) return seen[i];
  return undefined;
}
