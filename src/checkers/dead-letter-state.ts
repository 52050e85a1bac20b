import type { DeliveryRecord, HistoryView } from "../history/views.js";
import { deletes, derive, findChain } from "./indexes.js";

/** Settle flags per main-queue copy (indexed by chain head). */
export const RESOLVED = 1; // completed (ok or maybe), deferred or dead-lettered: the delivery limit no longer decides
export const DL_CAUSE = 2; // a dead-letter settle that did not definitely fail
export const DL_OK = 4; // a dead-letter settle the broker acknowledged
export const COMPLETED = 8; // a complete the broker acknowledged

/** What the settlements of each main-queue copy say, for the dead-letter checker. */
export interface SettleStates {
  flags: Uint8Array;
  /** Chain heads with an acknowledged dead-letter, with its reason and history index. */
  dlOk: Map<number, { reason?: string; index: number; brokerId?: string }>;
  /** Chain head → history index of the first acknowledged complete, and the brokerId ("" when unknown) it removed. */
  completeIndex: Int32Array;
  /** Chain head → completion time of the first acknowledged complete (Infinity: none). */
  completeTime: Float64Array;
  completedBy: string[];
  /** brokerIds of further acknowledged completes (producer duplicates). */
  moreCompletedBy: Map<number, string[]>;
  /** Dead-letter settles of any outcome. */
  dlSettles: number;
}

/** One pass over the settles. */
export function settleStates(view: HistoryView): SettleStates {
  const { chain, settleDelivery } = derive(view);
  const n = view.deliveries.length;
  const out: SettleStates = { flags: new Uint8Array(n), dlOk: new Map(), completeIndex: new Int32Array(n), completeTime: new Float64Array(n).fill(Infinity), completedBy: new Array<string>(n), moreCompletedBy: new Map(), dlSettles: 0 };
  const settles = view.settles;
  for (let k = 0; k < settles.length; k++) {
    const s = settles[k]!;
    if (s.outcome === "dead-letter") out.dlSettles += 1;
    if (s.outcome === "abandon" || s.type === "fail") continue;
    const di = settleDelivery[k]!;
    if (di >= 0 && view.deliveries[di]!.delivery.dlq) continue;
    const h = di >= 0 ? chain[di]! : findChain(view, s.id, s.entity, false);
    if (h < 0) continue;
    out.flags[h]! |= RESOLVED;
    if (s.outcome === "dead-letter") {
      out.flags[h]! |= DL_CAUSE;
      if (s.type === "ok" && !(out.flags[h]! & DL_OK)) {
        out.flags[h]! |= DL_OK;
        out.dlOk.set(h, { reason: s.reason, index: s.completeIndex ?? s.invokeIndex, brokerId: di >= 0 ? view.deliveries[di]!.delivery.brokerId : undefined });
      }
    } else if (s.outcome === "complete" && s.type === "ok") {
      const broker = (di >= 0 ? view.deliveries[di]!.delivery.brokerId : undefined) ?? "";
      if (out.flags[h]! & COMPLETED) {
        const more = out.moreCompletedBy.get(h);
        if (more) more.push(broker);
        else out.moreCompletedBy.set(h, [broker]);
      } else {
        out.completeIndex[h] = s.completeIndex ?? s.invokeIndex;
        out.completeTime[h] = s.completeTime ?? s.invokeTime;
        out.completedBy[h] = broker;
      }
      out.flags[h]! |= COMPLETED;
    }
  }
  return out;
}

/** Delivery-limit facts of one main-queue copy. */
export interface CopyStats {
  /** Most deliveries of one stored message: max(non-drain deliveries, highest deliveryCount among them). */
  attempts: number;
  /** A receive-and-delete took it. */
  consumed: boolean;
  /** First delivery whose attempt number exceeded the limit, and that number. */
  beyond?: DeliveryRecord;
  beyondAttempt: number;
  /** A drain delivery of a stored message that had reached the limit. */
  drainedAfterLimit?: DeliveryRecord;
  /** When the last lock on it ended at the latest (renewals included; Infinity when unknown). */
  lockEnd: number;
}

const instances: string[] = [];
const ordinals: number[] = [];
const counts: number[] = [];
const stats: CopyStats = { attempts: 0, consumed: false, beyondAttempt: 0, lockEnd: -Infinity };

/**
 * Walk the main-queue chain at `h`, per stored message (brokerId) when the producer duplicated
 * the id. Returns a shared object, valid until the next call.
 */
export function mainAttempts(view: HistoryView, h: number, multi: boolean, max: number | undefined): CopyStats {
  const { next, renewHead, renewNext } = derive(view);
  const out = stats;
  out.attempts = out.beyondAttempt = 0;
  out.consumed = false;
  out.lockEnd = -Infinity;
  out.beyond = out.drainedAfterLimit = undefined;
  instances.length = ordinals.length = counts.length = 0;
  let drained: DeliveryRecord | undefined;
  let drainedSlot = -1;
  for (let i = h; i >= 0; i = next[i]!) {
    const d = view.deliveries[i]!;
    let slot = 0;
    if (multi || instances.length === 0) {
      const inst = multi ? (d.delivery.brokerId ?? "") : "";
      slot = instances.indexOf(inst);
      if (slot < 0) {
        slot = instances.push(inst) - 1;
        ordinals.push(0);
        counts.push(0);
      }
    }
    if (d.delivery.lockToken !== undefined) {
      let until = d.delivery.lockedUntil ?? Infinity;
      for (let r = renewHead[i]!; r >= 0; r = renewNext[r]!) {
        const x = view.renews[r]!;
        if (x.type === "ok" && x.lockedUntil !== undefined && x.lockedUntil > until) until = x.lockedUntil;
      }
      if (until > out.lockEnd) out.lockEnd = until;
    }
    if (d.delivery.deferred) continue;
    if (d.viaDrain) {
      if (!drained) {
        drained = d;
        drainedSlot = slot;
      }
      continue;
    }
    if (deletes(d)) out.consumed = true;
    const count = d.delivery.deliveryCount ?? 0;
    const attempt = Math.max((ordinals[slot]! += 1), count);
    if (count > counts[slot]!) counts[slot] = count;
    if (max !== undefined && attempt > max && !out.beyond) {
      out.beyond = d;
      out.beyondAttempt = attempt;
    }
  }
  for (let s = 0; s < instances.length; s++) {
    const a = Math.max(ordinals[s]!, counts[s]!);
    if (a > out.attempts) out.attempts = a;
    if (s === drainedSlot && max !== undefined && a >= max) out.drainedAfterLimit = drained;
  }
  return out;
}
