import type { Checker } from "../core/checker.js";
import type { History } from "../core/history.js";
import type { DeliveryRecord, HistoryView } from "../history/views.js";
import { checkDeliveryCounts } from "./delivery-count.js";
import { Findings, verdictOf } from "./findings.js";
import { type Derived, EntityInfo, brokerOrder, derive, sameInstance } from "./indexes.js";
import { releasedOnCrash, toleranceNs, viewOf } from "./view.js";

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
    const locks = new Locks(view, derive(view), new Findings(), toleranceNs(view.setup), new EntityInfo(view));
    const { heads, next, msg } = locks.derived;
    const deliveries = view.deliveries;
    const eps = toleranceNs(view.setup);
    let locked = 0;
    for (const h of heads) {
      if (deliveries[h]!.delivery.dlq) continue;
      for (let i = h; i >= 0; i = next[i]!) {
        const d1 = deliveries[i]!;
        const token = d1.delivery.lockToken !== undefined;
        if (token) {
          locked += 1;
          locks.settlesAfterExpiry(i);
        }
        // The next delivery of the same stored message (a producer retry's copy does not count).
        let j = next[i]!;
        const b1 = d1.delivery.brokerId;
        if (j >= 0 && (b1 === undefined || b1 !== deliveries[j]!.delivery.brokerId)) {
          while (j >= 0 && !sameInstance(d1, deliveries[j]!, msg[h])) j = next[j]!;
        }
        if (j < 0) continue;
        const tokenJ = deliveries[j]!.delivery.lockToken !== undefined;
        const order = brokerOrder(d1, deliveries[j]!, eps);
        if (order > 0 && token) locks.pair(i, j);
        else if (order < 0 && tokenJ) locks.pair(j, i);
        // Overlapping reads without evidence of order: early only if early whichever came first.
        else if (order === 0 && token && tokenJ && locks.early(i, j) && locks.early(j, i)) locks.reportEarly(i, j);
      }
    }
    checkDeliveryCounts(view, locks.f);
    const valid = verdictOf(locks.f, INVALID);
    const stats = { lockedDeliveries: locked };
    if (locked === 0 && valid === true) return locks.f.result(true, { stats, notApplicable: true, reason: "no delivery carried a lock token" });
    return locks.f.result(valid, { stats });
  },
};

/** Lock checks of one delivery (`first`, carrying a token) against itself and the delivery after it. */
class Locks {
  constructor(
    readonly view: HistoryView,
    readonly derived: Derived,
    readonly f: Findings,
    private readonly eps: number,
    private readonly info: EntityInfo,
  ) {}

  /** lockedUntil of delivery i; without it, the declared lock duration from the receive's invocation (a safe lower bound). */
  private base(d: DeliveryRecord): number | undefined {
    if (d.delivery.lockedUntil !== undefined) return d.delivery.lockedUntil;
    const duration = this.info.lockDurationNs(d.delivery.entity);
    return duration === undefined ? undefined : d.invokeTime + duration;
  }

  /**
   * The lock of delivery i as known at time t: its base, raised by renewals acknowledged before t.
   * With `upper`, the latest it may have lasted: a renewal with no reply invoked before t may have
   * taken effect just before the lock ran out, adding up to one lock duration each.
   */
  private heldAt(i: number, base: number, t: number, upper = false): number {
    let held = base;
    let uncertain = 0;
    for (let r = this.derived.renewHead[i]!; r >= 0; r = this.derived.renewNext[r]!) {
      const x = this.view.renews[r]!;
      if (x.type === "ok" && x.lockedUntil !== undefined && x.completeTime !== undefined && x.completeTime < t && x.lockedUntil > held) held = x.lockedUntil;
      else if (upper && (x.type === "info" || x.type === "invoke") && x.invokeTime < t) uncertain += 1;
    }
    if (uncertain === 0) return held;
    const duration = this.info.lockDurationNs(this.view.deliveries[i]!.delivery.entity);
    return duration === undefined ? Infinity : held + uncertain * duration;
  }

  /** True when `second` was delivered while `first`'s lock was held and not released. */
  early(first: number, second: number): boolean {
    const d1 = this.view.deliveries[first]!;
    const d2 = this.view.deliveries[second]!;
    const base = this.base(d1);
    if (base === undefined) return false;
    let release = Infinity;
    for (let s = this.derived.settleHead[first]!; s >= 0; s = this.derived.settleNext[s]!) {
      const x = this.view.settles[s]!;
      if (x.type !== "fail" && x.invokeTime < release) release = x.invokeTime;
    }
    if (releasedOnCrash(this.view.setup, d1.delivery.entity)) {
      const crash = this.view.crashes.get(d1.process);
      if (crash && crash.time >= d1.time && crash.time < release) release = crash.time;
    }
    return d2.time < Math.min(release, this.heldAt(first, base, d2.invokeTime)) - this.eps;
  }

  reportEarly(first: number, second: number): void {
    const d1 = this.view.deliveries[first]!;
    const { id, entity, key } = d1.delivery;
    if (this.f.report("early-redelivery"))
      this.f.example("early-redelivery", {
        indexes: [d1.index, this.view.deliveries[second]!.index], id, entity, key,
        explanation: `message ${id} was delivered again while the first delivery's lock was still held and not released.`,
      });
  }

  /** `second` followed `first` (which carried a token): early redelivery, renewals and settles after the lock moved on. */
  pair(first: number, second: number): void {
    if (this.early(first, second)) this.reportEarly(first, second);
    const d1 = this.view.deliveries[first]!;
    const d2 = this.view.deliveries[second]!;
    const { id, entity, key } = d1.delivery;
    for (let r = this.derived.renewHead[first]!; r >= 0; r = this.derived.renewNext[r]!) {
      const x = this.view.renews[r]!;
      if (x.type === "ok" && x.invokeTime > d2.time && this.f.report("lock-overlap"))
        this.f.example("lock-overlap", {
          indexes: [d1.index, d2.index, x.invokeIndex, x.completeIndex ?? x.invokeIndex], id, entity, key,
          explanation: `a renewal of message ${id}'s first lock was accepted after the message had been delivered to another receiver.`,
        });
    }
    for (let s = this.derived.settleHead[first]!; s >= 0; s = this.derived.settleNext[s]!) {
      const x = this.view.settles[s]!;
      if (x.type === "ok" && x.invokeTime > d2.time && !this.expired(first, x.invokeTime))
        this.reportSettle(d1, x, `a ${x.outcome} of message ${id} was accepted although it was invoked after the message was delivered again.`, d2);
    }
  }

  /** Acknowledged settles of delivery i invoked after its lock had expired. */
  settlesAfterExpiry(i: number): void {
    const d1 = this.view.deliveries[i]!;
    for (let s = this.derived.settleHead[i]!; s >= 0; s = this.derived.settleNext[s]!) {
      const x = this.view.settles[s]!;
      if (x.type === "ok" && this.expired(i, x.invokeTime))
        this.reportSettle(d1, x, `a ${x.outcome} of message ${d1.delivery.id} was accepted although it was invoked after its lock had expired.`);
    }
  }

  private expired(i: number, t: number): boolean {
    const base = this.base(this.view.deliveries[i]!);
    return base !== undefined && t > this.heldAt(i, base, t, true) + this.eps;
  }

  private reportSettle(d1: DeliveryRecord, x: HistoryView["settles"][number], explanation: string, d2?: DeliveryRecord): void {
    if (this.f.report("settle-after-lock-loss-accepted"))
      this.f.example("settle-after-lock-loss-accepted", {
        indexes: [d1.index, ...(d2 ? [d2.index] : []), x.invokeIndex, x.completeIndex ?? x.invokeIndex],
        id: d1.delivery.id, entity: d1.delivery.entity, key: d1.delivery.key, outcome: x.outcome, explanation,
      });
  }
}
