import type { Checker } from "../core/checker.js";
import type { History } from "../core/history.js";
import type { DeliveryRecord, HistoryView } from "../history/views.js";
import { Findings, listSome, verdictOf } from "./findings.js";
import { COMPLETED, type CopyStats, DL_CAUSE, RESOLVED, type SettleStates, mainAttempts, settleStates } from "./dead-letter-state.js";
import { unseenAttempts } from "./indeterminate.js";
import { EntityInfo, derive, producerDuplicated } from "./indexes.js";
import { toleranceNs, viewOf } from "./view.js";

/** The reason brokers give when the delivery limit moved a message to the DLQ. */
export const MAX_DELIVERY_REASON = "MaxDeliveryCountExceeded";
const INVALID = ["dlq-missing", "dlq-premature", "dlq-unexpected", "dlq-reason-mismatch"] as const;

/**
 * Dead-lettering: what must reach the DLQ does (delivery limit, explicit dead-letter), nothing
 * reaches it early or without cause, and the reason given is kept.
 */
export const deadLetter: Checker = {
  name: "dead-letter",
  description: "messages reach the dead-letter queue exactly when the delivery limit or an explicit dead-letter says so, with their reason",
  anomalies: [...INVALID],
  check(history: History, context) {
    const view = viewOf(history, context);
    const { heads, next, msg, pair } = derive(view);
    const info = new EntityInfo(view);
    const eps = toleranceNs(view.setup);
    const states = settleStates(view);
    const f = new Findings();
    const pending = new Set<string>();
    const deliveries = view.deliveries;
    let dlqCopies = 0;

    /** The DLQ delivery of stored message `brokerId` in the DLQ chain starting at `x`, if any. */
    const dlqCopy = (x: DeliveryRecord, brokerId: string): DeliveryRecord | undefined => {
      for (let i = deliveries.indexOf(x); i >= 0; i = next[i]!) if (deliveries[i]!.delivery.brokerId === brokerId) return deliveries[i];
      return undefined;
    };

    /** Judge the first DLQ delivery `x` of a copy whose main-queue chain starts at `h` (-1 if never delivered there). */
    const checkDlq = (x: DeliveryRecord, h: number, attempts: number): void => {
      dlqCopies += 1;
      const { id, entity } = x.delivery;
      const reason = x.delivery.deadLetterReason;
      const max = info.maxDeliveryCount(entity);
      const flags = h >= 0 ? states.flags[h]! : 0;
      const dl = h >= 0 ? states.dlOk.get(h) : undefined;
      const where = dl ? [dl.index, x.index] : [x.index];
      if (reason === MAX_DELIVERY_REASON) {
        // A count the broker reports is the truth; without one, indeterminate reads of the entity
        // (checkers/indeterminate.ts) may have been delivery attempts the history does not show.
        const counted = typeof x.delivery.deliveryCount === "number";
        const seen = Math.max(attempts, x.delivery.deliveryCount ?? 0);
        const unseen = counted || max === undefined || seen >= max ? 0 : unseenAttempts(view, entity);
        if (unseen > 0 && seen + unseen >= max!) f.count("dlq-premature-unproven");
        else if (max !== undefined && seen < max && f.report("dlq-premature"))
          f.example("dlq-premature", { indexes: where, id, entity, attempts: seen, max, explanation: `message ${id} was dead-lettered for exceeding the delivery limit after ${seen} of ${max} deliveries.` });
      } else if (!(flags & DL_CAUSE)) {
        if (f.report("dlq-unexpected"))
          f.example("dlq-unexpected", { indexes: where, id, entity, explanation: `message ${id} appeared in the dead-letter queue of ${entity} without a dead-letter settlement or delivery limit reached.` });
        return;
      }
      if (flags & COMPLETED && completedSame(states, h, x, producerDuplicated(msg[h]))) {
        if (f.report("dlq-unexpected"))
          f.example("dlq-unexpected", { indexes: [states.completeIndex[h]!, x.index], id, entity, explanation: `message ${id} appeared in the dead-letter queue of ${entity} although a complete of it had been acknowledged.` });
      }
      // A producer duplicate stores the id twice: compare the reason of the very message dead-lettered.
      const same = dl?.brokerId !== undefined && x.delivery.brokerId !== undefined && dl.brokerId !== x.delivery.brokerId ? dlqCopy(x, dl.brokerId) : x;
      const actual = same?.delivery.deadLetterReason;
      if (dl && same && dl.reason !== undefined && actual !== dl.reason && f.report("dlq-reason-mismatch"))
        f.example("dlq-reason-mismatch", { indexes: [...where.slice(0, -1), same.index], id, entity, expected: dl.reason, actual, explanation: `message ${id} was dead-lettered with reason "${dl.reason}" but the DLQ reports "${actual ?? "(none)"}".` });
    };

    for (const h of heads) {
      const first = deliveries[h]!;
      const { id, entity } = first.delivery;
      if (first.delivery.dlq) {
        if (pair[h]! < 0) checkDlq(first, -1, 0);
        continue;
      }
      const max = info.maxDeliveryCount(entity);
      const inDlq = pair[h]!;
      if (max === undefined && inDlq < 0) continue;
      // Fast path: delivered once, under the limit, not in the DLQ.
      if (inDlq < 0 && next[h]! < 0 && max !== undefined && max > Math.max(1, first.delivery.deliveryCount ?? 0)) continue;
      const stats = mainAttempts(view, h, producerDuplicated(msg[h]), max);
      // Delivered again after an acknowledged complete: that is the duplicates checker's
      // duplicate-redelivery, not a missed dead-lettering.
      if (stats.beyond && states.completeTime[h]! <= stats.beyond.invokeTime) stats.beyond = undefined;
      if (stats.beyond && f.report("dlq-missing"))
        f.example("dlq-missing", { indexes: [first.index, stats.beyond.index], id, entity, max, explanation: `message ${id} was delivered for attempt ${stats.beyondAttempt} although the delivery limit is ${max}; it should have been dead-lettered.` });
      if (inDlq >= 0) checkDlq(deliveries[inDlq]!, h, stats.attempts);
      if (max === undefined || stats.attempts < max || stats.consumed || states.flags[h]! & RESOLVED || stats.beyond) continue;
      checkLimitReached(view, f, pending, eps, first, stats, max, inDlq >= 0);
    }

    // Explicit dead-letters the broker acknowledged must show up in a drained DLQ.
    for (const [h, dl] of states.dlOk) {
      const { id, entity } = deliveries[h]!.delivery;
      if (pair[h]! >= 0) continue;
      if (!view.drained.has(`${entity}#dlq`)) pending.add(`${entity}#dlq`);
      else if (f.report("dlq-missing"))
        f.example("dlq-missing", { indexes: [dl.index], id, entity, explanation: `message ${id} was dead-lettered (acknowledged) but the drained dead-letter queue of ${entity} did not hold it.` });
    }

    const applicable = states.dlSettles > 0 || dlqCopies > 0 || (view.setup.entities ?? []).some(hasLimit);
    if (!applicable) return f.result(true, { notApplicable: true, reason: "no entity has maxDeliveryCount and nothing was dead-lettered" });
    const valid = verdictOf(f, INVALID);
    const stats = { dlqCopies, deadLetterSettles: states.dlSettles };
    if (valid === true && pending.size > 0)
      return f.result("unknown", { stats, reason: `dead-letter queue ${listSome([...pending].sort())} was not drained, so messages due there cannot be confirmed` });
    return f.result(valid, { stats });
  },
};

/** A copy delivered at least `max` times and never completed must be in the DLQ, not left in the queue. */
function checkLimitReached(
  view: HistoryView, f: Findings, pending: Set<string>, eps: number, first: DeliveryRecord, stats: CopyStats, max: number, inDlq: boolean,
): void {
  const { id, entity } = first.delivery;
  if (stats.drainedAfterLimit) {
    if (f.report("dlq-missing"))
      f.example("dlq-missing", { indexes: [first.index, stats.drainedAfterLimit.index], id, entity, max, explanation: `message ${id} was still in ${entity} at the final drain after ${stats.attempts} deliveries; the limit ${max} should have dead-lettered it.` });
    return;
  }
  if (inDlq) return;
  const dlq = `${entity}#dlq`;
  const drainAt = view.drainTimes.get(dlq);
  if (drainAt === undefined) pending.add(dlq);
  // Only provable once the last lock had certainly ended before the DLQ was drained, and no
  // indeterminate read of the entity (a timed-out receive-and-delete) may have taken it.
  else if (view.drained.has(entity) && stats.lockEnd + eps < drainAt && unseenAttempts(view, entity) === 0 && f.report("dlq-missing"))
    f.example("dlq-missing", { indexes: [first.index], id, entity, max, explanation: `message ${id} was delivered ${stats.attempts} times (limit ${max}) and never completed, yet the drained dead-letter queue did not hold it.` });
}

function hasLimit(e: HistoryView["setup"]["entities"][number]): boolean {
  return e.kind === "queue" ? e.maxDeliveryCount !== undefined : e.subscriptions.some((s) => s.maxDeliveryCount !== undefined);
}

/** Whether an acknowledged complete removed the very message that sits in the DLQ. */
function completedSame(states: SettleStates, h: number, x: DeliveryRecord, multi: boolean): boolean {
  if (!multi) return true;
  const bid = x.delivery.brokerId;
  return bid !== undefined && (states.completedBy[h] === bid || (states.moreCompletedBy.get(h)?.includes(bid) ?? false));
}
