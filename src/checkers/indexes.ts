import type { DeliveryRecord, HistoryView, SendRecord } from "../history/views.js";
import { Tokens } from "./tokens.js";

export { EntityInfo } from "./entity-info.js";

/** What the sends of one message id amount to. */
export interface MessageSends {
  /** The earliest send that did not fail (or the first send when all failed). */
  first: SendRecord;
  /** Target of the first ok send, else of `first`. */
  target: string;
  key?: string;
  /** Earliest invoke time of a send that did not fail (Infinity when all failed). */
  start: number;
  /** Earliest completion time of an ok send (Infinity when none). */
  okDone: number;
  /** Send ops that did not fail; send ops in total; whether any was marked as a producer retry. */
  ops: number;
  total: number;
  retry: boolean;
  ok: boolean;
  /** Ordinal of the id (0-based, first-send order), for per-message typed arrays. */
  n: number;
  /** First chain head of this id (-1 while never delivered). */
  chains: number;
}

/**
 * Indexes derived from a HistoryView that several checkers share. Deliveries of one message id
 * at one source (an entity, or its DLQ) form a chain; chains and the settles and renewals of
 * each delivery are linked lists over typed arrays, so checkers walk them without building strings.
 */
export interface Derived {
  sends: Map<string, MessageSends>;
  /** Distinct send targets. */
  targets: Set<string>;
  /** Chain heads (indexes into view.deliveries) in history order. */
  heads: number[];
  /** delivery → next delivery of its chain (-1 at the end); delivery → head of its chain. */
  next: Int32Array;
  chain: Int32Array;
  /** head → the sends of its id (undefined for an id never sent). */
  msg: (MessageSends | undefined)[];
  /** head → head of the same copy's other chain (main queue ↔ DLQ), -1 when none. */
  pair: Int32Array;
  /** head → next chain head of the same id; ids never sent → their first chain head. */
  sibling: Int32Array;
  unsent: Map<string, number>;
  /** settle → the delivery whose lock token it used (-1 when unknown). */
  settleDelivery: Int32Array;
  /** delivery → its first settle (-1 none); settle → the next settle of the same delivery. */
  settleHead: Int32Array;
  settleNext: Int32Array;
  /** Same for renewals. */
  renewHead: Int32Array;
  renewNext: Int32Array;
}

const derived = new WeakMap<HistoryView, Derived>();

/** The shared derived indexes of `view`, built once. */
export function derive(view: HistoryView): Derived {
  const hit = derived.get(view);
  if (hit) return hit;
  const sends = new Map<string, MessageSends>();
  const targets = new Set<string>();
  let lastOp = -1;
  let lastId = "";
  let lastTarget: string | undefined;
  for (const s of view.sends) {
    let m = sends.get(s.id);
    if (!m) {
      m = { first: s, target: s.target, key: s.key, start: Infinity, okDone: Infinity, ops: 0, total: 0, retry: false, ok: false, n: sends.size, chains: -1 };
      sends.set(s.id, m);
      if (s.target !== lastTarget) targets.add((lastTarget = s.target));
    }
    // An id listed twice in one batch counts as one op.
    if (s.invokeIndex === lastOp && s.id === lastId) continue;
    lastOp = s.invokeIndex;
    lastId = s.id;
    m.total += 1;
    if (s.retry) m.retry = true;
    if (m.key === undefined) m.key = s.key;
    if (s.type === "fail") continue;
    m.ops += 1;
    if (s.invokeTime < m.start) {
      m.start = s.invokeTime;
      m.first = s;
    }
    if (s.type === "ok") {
      if (!m.ok) m.target = s.target;
      m.ok = true;
      if (s.completeTime !== undefined && s.completeTime < m.okDone) m.okDone = s.completeTime;
    }
  }
  const out = chains(view, sends, targets);
  derived.set(view, out);
  return out;
}

function chains(view: HistoryView, sends: Map<string, MessageSends>, targets: Set<string>): Derived {
  const deliveries = view.deliveries;
  const n = deliveries.length;
  const next = new Int32Array(n).fill(-1);
  const chain = new Int32Array(n);
  const sibling = new Int32Array(n).fill(-1);
  const pair = new Int32Array(n).fill(-1);
  const tail = new Int32Array(n);
  const msg: (MessageSends | undefined)[] = new Array<MessageSends | undefined>(n);
  const unsent = new Map<string, number>();
  const heads: number[] = [];
  for (let i = 0; i < n; i++) {
    const d = deliveries[i]!.delivery;
    const dlq = d.dlq === true;
    const m = sends.get(d.id);
    let h = m ? m.chains : (unsent.get(d.id) ?? -1);
    let last = -1;
    let other = -1;
    while (h >= 0) {
      const x = deliveries[h]!.delivery;
      if (x.entity === d.entity) {
        if ((x.dlq === true) === dlq) break;
        other = h;
      }
      last = h;
      h = sibling[h]!;
    }
    if (h >= 0) {
      next[tail[h]!] = i;
      tail[h] = i;
      chain[i] = h;
      continue;
    }
    heads.push(i);
    chain[i] = tail[i] = i;
    msg[i] = m;
    if (other >= 0) {
      pair[i] = other;
      pair[other] = i;
    }
    if (last >= 0) sibling[last] = i;
    else if (m) m.chains = i;
    else unsent.set(d.id, i);
  }
  const settleDelivery = new Int32Array(view.settles.length).fill(-1);
  const settleHead = new Int32Array(n).fill(-1);
  const settleNext = new Int32Array(view.settles.length).fill(-1);
  const renewDelivery = new Int32Array(view.renews.length).fill(-1);
  const renewHead = new Int32Array(n).fill(-1);
  const renewNext = new Int32Array(view.renews.length).fill(-1);
  new Tokens(deliveries).resolve(view.settles, view.renews, settleDelivery, renewDelivery);
  link(settleDelivery, settleHead, settleNext);
  link(renewDelivery, renewHead, renewNext);
  return { sends, targets, heads, next, chain, msg, pair, sibling, unsent, settleDelivery, settleHead, settleNext, renewHead, renewNext };
}

/** Chain items per delivery, in array order. */
function link(of: Int32Array, head: Int32Array, next: Int32Array): void {
  const tail = new Int32Array(head.length);
  for (let k = 0; k < of.length; k++) {
    const i = of[k]!;
    if (i < 0) continue;
    if (head[i] === -1) head[i] = k;
    else next[tail[i]!] = k;
    tail[i] = k;
  }
}

/** Head of the chain of `id` at `entity` (its DLQ when `dlq`), or -1. */
export function findChain(view: HistoryView, id: string, entity: string, dlq: boolean): number {
  const { sends, unsent, sibling } = derive(view);
  let h = sends.get(id)?.chains ?? unsent.get(id) ?? -1;
  while (h >= 0) {
    const x = view.deliveries[h]!.delivery;
    if (x.entity === entity && (x.dlq === true) === dlq) return h;
    h = sibling[h]!;
  }
  return -1;
}

/** True when the ids of `a` and `b` are one stored message: same brokerId, or one send of the id when brokerIds are absent. */
export function sameInstance(a: DeliveryRecord, b: DeliveryRecord, sends: MessageSends | undefined): boolean {
  const x = a.delivery.brokerId;
  const y = b.delivery.brokerId;
  if (x !== undefined && y !== undefined) return x === y;
  return !producerDuplicated(sends);
}

/** True when the id may be stored more than once because the producer sent it more than once. */
export function producerDuplicated(sends: MessageSends | undefined): boolean {
  if (!sends) return false;
  return sends.ops > 1 || (sends.retry && sends.total === 1);
}

/**
 * Which of two deliveries of one stored message the broker made first: 1 for `a`, -1 for `b`,
 * 0 when unknown. Lock stamps further apart than the clock tolerance `eps` (ns) decide; else
 * reads that did not overlap in time are ordered by it, overlapping ones (a delayed reply) by
 * their delivery count.
 */
export function brokerOrder(a: DeliveryRecord, b: DeliveryRecord, eps: number): 1 | 0 | -1 {
  const x = a.delivery;
  const y = b.delivery;
  // Lock stamps of one entity are the broker's own order of issue; they beat the order in which
  // clients returned the deliveries, which a buffering SDK can invert. Stamps within the
  // tolerance say nothing: whole-millisecond clocks put a later lock before an earlier one.
  if (x.entity === y.entity && x.lockedUntil !== undefined && y.lockedUntil !== undefined && Math.abs(x.lockedUntil - y.lockedUntil) > eps && !a.viaDrain && !b.viaDrain) {
    return x.lockedUntil < y.lockedUntil ? 1 : -1;
  }
  if (a.time <= b.invokeTime || (a.index === b.index && a !== b)) return 1;
  if (b.time <= a.invokeTime) return -1;
  if (typeof x.deliveryCount === "number" && typeof y.deliveryCount === "number" && x.deliveryCount !== y.deliveryCount) return x.deliveryCount < y.deliveryCount ? 1 : -1;
  return 0;
}

/** True when the delivery removed the message: a drain, receive-and-delete, or (mode unknown) no lock token. */
export function deletes(d: DeliveryRecord): boolean {
  if (d.viaDrain || d.mode === "receive-and-delete") return true;
  return d.mode === undefined && d.delivery.lockToken === undefined;
}
