import type { Checker } from "../core/checker.js";
import type { History } from "../core/history.js";
import type { DeliveryRecord, HistoryView, RenewRecord, SettleRecord } from "../history/views.js";
import { Findings, verdictOf } from "./findings.js";
import { type Chains, EntityInfo, chainBy, derive, sameInstance, tokenKey } from "./indexes.js";
import { toleranceNs, viewOf } from "./view.js";
import { checkDeliveryCounts } from "./delivery-count.js";

const INVALID = ["early-redelivery", "lock-overlap", "settle-after-lock-loss-accepted", "deliverycount-nonmonotonic"] as const;

/**
 * Peek-lock semantics: no redelivery while a lock is held, no renewal or settlement accepted
 * after the lock passed to someone else or expired, and delivery counts that only go up.
 */
export const lockExpiry: Checker = {
  name: "lock-expiry",
  description: "a locked message is not redelivered before its lock ends, and lost locks are not renewed or settled",
  anomalies: [...INVALID],
  check(history: History, context) {
    const view = viewOf(history, context);
    const { sends, heads, next } = derive(view);
    const f = new Findings();
    const eps = toleranceNs(view.setup);
    const info = new EntityInfo(view);
    const settles = chainBy(view.settles, lockKey);
    const renews = chainBy(view.renews, lockKey);
    const deliveries = view.deliveries;
    let locked = 0;
    for (const h of heads) {
      if (deliveries[h]!.delivery.dlq) continue;
      const m = sends.get(deliveries[h]!.delivery.id);
      for (let i = h; i >= 0; i = next[i]!) {
        const d1 = deliveries[i]!;
        const token = d1.delivery.lockToken;
        if (token === undefined) continue;
        locked += 1;
        let j = next[i]!;
        while (j >= 0 && !sameInstance(d1, deliveries[j]!, m)) j = next[j]!;
        checkLock(view, f, eps, info, d1, j >= 0 ? deliveries[j] : undefined, tokenKey(d1.delivery.entity, token), settles, renews);
      }
    }
    checkDeliveryCounts(view, f);
    const valid = verdictOf(f, INVALID);
    const stats = { lockedDeliveries: locked };
    if (locked === 0 && valid === true) return f.result(true, { stats, notApplicable: true, reason: "no delivery carried a lock token" });
    return f.result(valid, { stats });
  },
};

function lockKey(x: SettleRecord | RenewRecord): string | undefined {
  return x.lockToken === undefined ? undefined : tokenKey(x.entity, x.lockToken);
}

/** The lock d1 is known to have at time t: its lockedUntil, raised by renewals acknowledged before t. */
function heldAt(base: number, renews: Chains, rs: readonly RenewRecord[], key: string, t: number): number {
  let held = base;
  for (let r = renews.head.get(key) ?? -1; r >= 0; r = renews.next[r]!) {
    const x = rs[r]!;
    if (x.type === "ok" && x.lockedUntil !== undefined && x.completeTime !== undefined && x.completeTime < t && x.lockedUntil > held) held = x.lockedUntil;
  }
  return held;
}

function checkLock(
  view: HistoryView, f: Findings, eps: number, info: EntityInfo, d1: DeliveryRecord, d2: DeliveryRecord | undefined,
  key: string, settles: Chains, renews: Chains,
): void {
  const id = d1.delivery.id;
  const entity = d1.delivery.entity;
  const duration = info.lockDurationNs(entity);
  // Without lockedUntil, the declared lock duration from the receive's invocation is a safe lower bound.
  const base = d1.delivery.lockedUntil ?? (duration === undefined ? undefined : d1.invokeTime + duration);
  let release = Infinity;
  for (let s = settles.head.get(key) ?? -1; s >= 0; s = settles.next[s]!) {
    const x = view.settles[s]!;
    if (x.type !== "fail" && x.invokeTime < release) release = x.invokeTime;
  }
  if (view.setup.locksReleasedOnCrash) {
    const crash = view.crashes.get(d1.process);
    if (crash && crash.time >= d1.time && crash.time < release) release = crash.time;
  }
  if (d2 && base !== undefined) {
    const limit = Math.min(release, heldAt(base, renews, view.renews, key, d2.invokeTime));
    if (d2.time < limit - eps && f.report("early-redelivery"))
      f.example("early-redelivery", {
        indexes: [d1.index, d2.index], id, entity, key: d1.delivery.key,
        explanation: `message ${id} was delivered again while the first delivery's lock was still held and not released.`,
      });
  }
  if (d2) {
    for (let r = renews.head.get(key) ?? -1; r >= 0; r = renews.next[r]!) {
      const x = view.renews[r]!;
      if (x.type === "ok" && x.invokeTime > d2.time && f.report("lock-overlap"))
        f.example("lock-overlap", {
          indexes: [d1.index, d2.index, x.invokeIndex, x.completeIndex ?? x.invokeIndex], id, entity, key: d1.delivery.key,
          explanation: `a renewal of message ${id}'s first lock was accepted after the message had been delivered to another receiver.`,
        });
    }
  }
  for (let s = settles.head.get(key) ?? -1; s >= 0; s = settles.next[s]!) {
    const x = view.settles[s]!;
    if (x.type !== "ok") continue;
    const expired = base !== undefined && x.invokeTime > heldAt(base, renews, view.renews, key, x.invokeTime) + eps;
    const stolen = d2 !== undefined && x.invokeTime > d2.time;
    if ((expired || stolen) && f.report("settle-after-lock-loss-accepted"))
      f.example("settle-after-lock-loss-accepted", {
        indexes: [d1.index, ...(d2 ? [d2.index] : []), x.invokeIndex, x.completeIndex ?? x.invokeIndex], id, entity, key: d1.delivery.key,
        outcome: x.outcome,
        explanation: stolen
          ? `a ${x.outcome} of message ${id} was accepted although it was invoked after the message was delivered again.`
          : `a ${x.outcome} of message ${id} was accepted although it was invoked after its lock had expired.`,
      });
  }
}
