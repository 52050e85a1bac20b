import { NS_PER_MS } from "../core/clock.js";
import { copiesOf, settingsOf } from "../core/entities.js";
import type { DeliveryRecord, HistoryView, SendRecord } from "../history/views.js";

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
  /** Send ops that did not fail. */
  ops: number;
  /** Send ops in total, and whether any was marked as a producer retry. */
  total: number;
  retry: boolean;
  ok: boolean;
}

/** Indexes derived from a HistoryView that several checkers share. */
export interface Derived {
  sends: Map<string, MessageSends>;
  /** Chain key (`source\0id`, source = entity or entity#dlq) → first delivery (index into view.deliveries). */
  head: Map<string, number>;
  /** Chain heads in history order. */
  heads: number[];
  /** view.deliveries index → next delivery of the same chain, -1 at the end. */
  next: Int32Array;
  /** `entity\0lockToken` → the delivery that carried the token. */
  token: Map<string, number>;
}

const derived = new WeakMap<HistoryView, Derived>();

/** Key of a message copy's chain: `source\0id`, source being `entity` or `entity#dlq`. */
export function chainKey(source: string, id: string): string {
  return `${source}\u0000${id}`;
}

/** Key of a lock token at an entity. */
export function tokenKey(entity: string, token: string): string {
  return `${entity}\u0000${token}`;
}

/** The shared derived indexes of `view`, built once. */
export function derive(view: HistoryView): Derived {
  const hit = derived.get(view);
  if (hit) return hit;
  const sends = new Map<string, MessageSends>();
  let lastOp = -1;
  let lastId = "";
  for (const s of view.sends) {
    let m = sends.get(s.id);
    if (!m) {
      m = { first: s, target: s.target, key: s.key, start: Infinity, okDone: Infinity, ops: 0, total: 0, retry: false, ok: false };
      sends.set(s.id, m);
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
  const deliveries = view.deliveries;
  const next = new Int32Array(deliveries.length).fill(-1);
  const head = new Map<string, number>();
  const tail = new Map<string, number>();
  const heads: number[] = [];
  const token = new Map<string, number>();
  for (let i = 0; i < deliveries.length; i++) {
    const d = deliveries[i]!;
    const key = chainKey(d.copy, d.delivery.id);
    const last = tail.get(key);
    if (last === undefined) {
      head.set(key, i);
      heads.push(i);
    } else next[last] = i;
    tail.set(key, i);
    const t = d.delivery.lockToken;
    if (t !== undefined) {
      const tk = tokenKey(d.delivery.entity, t);
      if (!token.has(tk)) token.set(tk, i);
    }
  }
  const out: Derived = { sends, head, heads, next, token };
  derived.set(view, out);
  return out;
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

/** True when the delivery removed the message: a drain, receive-and-delete, or (mode unknown) no lock token. */
export function deletes(d: DeliveryRecord): boolean {
  if (d.viaDrain || d.mode === "receive-and-delete") return true;
  return d.mode === undefined && d.delivery.lockToken === undefined;
}

/** Memoizing lookups of entity settings and topic copies (the setup's lists are scanned once per name). */
export class EntityInfo {
  private readonly copies = new Map<string, string[]>();
  private readonly max = new Map<string, number | undefined>();
  private readonly ordered = new Map<string, boolean>();
  private readonly lockNs = new Map<string, number | undefined>();

  constructor(private readonly view: HistoryView) {}

  /** Receivable addresses of a send target. */
  copiesOf(target: string): string[] {
    let c = this.copies.get(target);
    if (!c) this.copies.set(target, (c = copiesOf(target, this.view.setup.entities)));
    return c;
  }

  /** MaxDeliveryCount of an address, if set. */
  maxDeliveryCount(entity: string): number | undefined {
    if (!this.max.has(entity)) this.max.set(entity, settingsOf(entity, this.view.setup.entities)?.maxDeliveryCount);
    return this.max.get(entity);
  }

  /** Whether the address keeps per-key order (sessions). */
  orderedKeys(entity: string): boolean {
    let o = this.ordered.get(entity);
    if (o === undefined) this.ordered.set(entity, (o = settingsOf(entity, this.view.setup.entities)?.orderedKeys === true));
    return o;
  }

  /** Lock duration of an address in ns, if declared. */
  lockDurationNs(entity: string): number | undefined {
    if (!this.lockNs.has(entity)) {
      const ms = settingsOf(entity, this.view.setup.entities)?.lockDurationMs;
      this.lockNs.set(entity, ms === undefined ? undefined : ms * NS_PER_MS);
    }
    return this.lockNs.get(entity);
  }
}

/** Linked lists of items sharing a key: first item per key, and the next item of the same key (-1 at the end). */
export interface Chains {
  head: Map<string, number>;
  next: Int32Array;
}

/** Chain `items` by `keyOf` (undefined keys are left out), in array order. */
export function chainBy<T>(items: readonly T[], keyOf: (item: T) => string | undefined): Chains {
  const head = new Map<string, number>();
  const tail = new Map<string, number>();
  const next = new Int32Array(items.length).fill(-1);
  for (let i = 0; i < items.length; i++) {
    const k = keyOf(items[i]!);
    if (k === undefined) continue;
    const last = tail.get(k);
    if (last === undefined) head.set(k, i);
    else next[last] = i;
    tail.set(k, i);
  }
  return { head, next };
}
