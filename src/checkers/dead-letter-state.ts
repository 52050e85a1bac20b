import type { DeliveryRecord, HistoryView } from "../history/views.js";
import { chainKey, deletes, derive, tokenKey } from "./indexes.js";

/** What the settlements of one main-queue copy say, for the dead-letter checker. */
export interface SettleState {
  /** A dead-letter settle was acknowledged; its reason and completion index. */
  dlOk: boolean;
  dlReason?: string;
  dlIndex?: number;
  /** A dead-letter settle that did not definitely fail: a cause for a DLQ entry. */
  dlCause: boolean;
  /** brokerIds ("" when unknown) that acknowledged completes removed. */
  completed?: string[];
  completeIndex?: number;
  /** Completed (ok or maybe), deferred or dead-lettered: the delivery limit no longer decides. */
  resolved: boolean;
}

/** Settle states by copy (`entity\0id`), plus counts and renewals the checker needs. */
export class SettleStates extends Map<string, SettleState> {
  dlSettles = 0;
  /** `entity\0token` → latest lockedUntil an acknowledged renewal granted. */
  readonly renewedUntil = new Map<string, number>();
}

/** One pass over settles and renewals. */
export function settleStates(view: HistoryView): SettleStates {
  const { token } = derive(view);
  const out = new SettleStates();
  for (const s of view.settles) {
    if (s.outcome === "abandon" || s.type === "fail") {
      if (s.outcome === "dead-letter") out.dlSettles += 1;
      continue;
    }
    const copy = chainKey(s.entity, s.id);
    let st = out.get(copy);
    if (!st) out.set(copy, (st = { dlOk: false, dlCause: false, resolved: false }));
    st.resolved = true;
    if (s.outcome === "dead-letter") {
      out.dlSettles += 1;
      st.dlCause = true;
      if (s.type === "ok" && !st.dlOk) {
        st.dlOk = true;
        st.dlReason = s.reason;
        st.dlIndex = s.completeIndex ?? s.invokeIndex;
      }
    } else if (s.outcome === "complete" && s.type === "ok") {
      const via = s.lockToken === undefined ? undefined : token.get(tokenKey(s.entity, s.lockToken));
      (st.completed ??= []).push((via === undefined ? undefined : view.deliveries[via]!.delivery.brokerId) ?? "");
      st.completeIndex ??= s.completeIndex ?? s.invokeIndex;
    }
  }
  for (const r of view.renews) {
    if (r.type !== "ok" || r.lockToken === undefined || r.lockedUntil === undefined) continue;
    const k = tokenKey(r.entity, r.lockToken);
    if (r.lockedUntil > (out.renewedUntil.get(k) ?? -Infinity)) out.renewedUntil.set(k, r.lockedUntil);
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

/** Walk the main-queue chain starting at `h`, per stored message (brokerId) when the producer duplicated it. */
export function mainAttempts(view: HistoryView, h: number, multi: boolean, max: number | undefined, renewedUntil: Map<string, number>): CopyStats {
  const { next } = derive(view);
  const out: CopyStats = { attempts: 0, consumed: false, beyondAttempt: 0, lockEnd: -Infinity };
  instances.length = ordinals.length = counts.length = 0;
  let drained: DeliveryRecord | undefined;
  let drainedSlot = -1;
  for (let i = h; i >= 0; i = next[i]!) {
    const d = view.deliveries[i]!;
    const inst = multi ? (d.delivery.brokerId ?? "") : "";
    let slot = instances.indexOf(inst);
    if (slot < 0) {
      slot = instances.push(inst) - 1;
      ordinals.push(0);
      counts.push(0);
    }
    const t = d.delivery.lockToken;
    if (t !== undefined) {
      const until = Math.max(d.delivery.lockedUntil ?? Infinity, renewedUntil.get(tokenKey(d.delivery.entity, t)) ?? -Infinity);
      if (until > out.lockEnd) out.lockEnd = until;
    }
    if (d.delivery.deferred) continue;
    if (d.viaDrain) {
      if (!drained) [drained, drainedSlot] = [d, slot];
      continue;
    }
    if (deletes(d)) out.consumed = true;
    ordinals[slot]! += 1;
    counts[slot] = Math.max(counts[slot]!, d.delivery.deliveryCount ?? 0);
    const attempt = Math.max(ordinals[slot]!, d.delivery.deliveryCount ?? 0);
    if (max !== undefined && attempt > max && !out.beyond) [out.beyond, out.beyondAttempt] = [d, attempt];
  }
  for (let s = 0; s < instances.length; s++) {
    const a = Math.max(ordinals[s]!, counts[s]!);
    if (a > out.attempts) out.attempts = a;
    if (s === drainedSlot && max !== undefined && a >= max) out.drainedAfterLimit = drained;
  }
  return out;
}
