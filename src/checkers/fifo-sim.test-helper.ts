import { NS_PER_MS } from "../core/clock.js";
import type { EntitySpec } from "../core/entities.js";
import type { Delivery, Op, SentMessage } from "../core/history.js";
import type { Claims, SetupValue } from "../core/setup.js";

/**
 * A tiny, correct FIFO broker with one producer and one consumer, run step by step to produce
 * histories the checkers must accept (test support for property tests; no I/O, no clock).
 */

/** One step of the simulated workload. */
export type SimCommand =
  | { kind: "send"; keys: (string | null)[]; outcome: "ok" | "fail" | "info-stored" | "info-lost" }
  | { kind: "receive"; source: number; max: number; mode: "peek-lock" | "receive-and-delete" }
  | { kind: "settle"; pick: number; outcome: "complete" | "abandon" | "dead-letter" }
  | { kind: "renew"; pick: number }
  | { kind: "wait"; ms: number };

/** Topology and claims of a simulated run: a queue, or a topic with subscriptions. */
export interface SimOptions {
  lockDurationMs?: number;
  maxDeliveryCount?: number;
  subscriptions?: string[];
  claims?: Claims;
}

interface Stored {
  seq: number;
  id: string;
  key?: string;
  count: number;
  token?: string;
  lockedUntil?: number;
  reason?: string;
}

const STEP = 100_000;
const MAX_REASON = "MaxDeliveryCountExceeded";

/** Run `commands` against the simulated broker and return the history, final drains included. */
export function simulateFifo(commands: readonly SimCommand[], options: SimOptions = {}): Op[] {
  const lockNs = (options.lockDurationMs ?? 1) * NS_PER_MS;
  const max = options.maxDeliveryCount;
  const settings = { lockDurationMs: options.lockDurationMs ?? 1, ...(max ? { maxDeliveryCount: max } : {}) };
  const subs = options.subscriptions;
  const target = subs ? "topic" : "queue";
  const addresses = subs ? subs.map((s) => `topic/${s}`) : ["queue"];
  const entities: EntitySpec[] = subs
    ? [{ kind: "topic", name: "topic", subscriptions: subs.map((name) => ({ name, ...settings })) }]
    : [{ kind: "queue", name: "queue", ...settings }];
  const setup: SetupValue = { broker: "sim://fifo", entities, claims: options.claims ?? {} };
  const main = new Map(addresses.map((a) => [a, [] as Stored[]]));
  const dlq = new Map(addresses.map((a) => [a, [] as Stored[]]));
  const ops: Op[] = [];
  const held: Delivery[] = [];
  let t = 0, seq = 0, tokens = 0, ids = 0, producer = 0;

  const record = (process: string, type: Op["type"], f: string, value: unknown, error?: string): void => {
    ops.push({ index: ops.length, time: t, process, type, f, value, ...(error ? { error } : {}) });
  };
  /** invoke, let the broker act STEP later, complete STEP after that. */
  const call = (process: string, f: string, inv: unknown, act: (now: number) => { type: Op["type"]; value?: unknown; error?: string }): Op["type"] => {
    record(process, "invoke", f, inv);
    t += STEP;
    for (const a of addresses) expire(a, t);
    const out = act(t);
    t += STEP;
    record(process, out.type, f, out.value ?? inv, out.error);
    t += STEP;
    return out.type;
  };
  const release = (a: string, m: Stored, failure: boolean): void => {
    m.token = m.lockedUntil = undefined;
    if (failure && max !== undefined && m.count >= max) move(a, m, MAX_REASON);
  };
  const move = (a: string, m: Stored, reason: string): void => {
    const list = main.get(a)!;
    list.splice(list.indexOf(m), 1);
    m.token = m.lockedUntil = undefined;
    m.reason = reason;
    dlq.get(a)!.push(m);
  };
  const expire = (a: string, now: number): void => {
    for (const m of [...main.get(a)!]) if (m.lockedUntil !== undefined && m.lockedUntil <= now) release(a, m, true);
  };
  const describe = (a: string, m: Stored, extra: Partial<Delivery> = {}): Delivery => ({
    id: m.id, ...(m.key !== undefined ? { key: m.key } : {}), entity: a, brokerId: String(m.seq), deliveryCount: m.count, ...extra,
  });
  const locked = (d: Delivery): Stored | undefined => main.get(d.entity)?.find((m) => m.token !== undefined && m.token === d.lockToken);

  record("setup", "invoke", "setup", setup);
  record("setup", "ok", "setup", setup);
  t += STEP;
  for (const c of commands) {
    switch (c.kind) {
      case "send": {
        const messages: SentMessage[] = c.keys.map((k) => (k === null ? { id: `m${++ids}` } : { id: `m${++ids}`, key: k }));
        const store = (): void => {
          seq += 1;
          for (const a of addresses) messages.forEach((m, i) => main.get(a)!.push({ seq: seq * 1000 + i, id: m.id, key: m.key, count: 0 }));
        };
        const p = () => (producer === 0 ? "p1" : `p1.${producer}`);
        const first = call(p(), "send", { target, messages }, () => {
          if (c.outcome === "ok" || c.outcome === "info-stored") store();
          return c.outcome === "ok" ? { type: "ok" } : c.outcome === "fail" ? { type: "fail", error: "rejected" } : { type: "info", error: "timeout" };
        });
        if (first === "info") {
          producer += 1;
          call(p(), "send", { target, messages, retry: true }, () => (store(), { type: "ok" }));
        }
        break;
      }
      case "receive": {
        const a = addresses[c.source % addresses.length]!;
        call("c1", "receive", { source: a, mode: c.mode }, (now) => {
          const out: Delivery[] = [];
          for (const m of [...main.get(a)!]) {
            if (out.length >= c.max) break;
            if (m.token !== undefined) continue;
            m.count += 1;
            if (c.mode === "receive-and-delete") {
              out.push(describe(a, m));
              main.get(a)!.splice(main.get(a)!.indexOf(m), 1);
              continue;
            }
            m.token = `t${++tokens}`;
            m.lockedUntil = now + lockNs;
            const d = describe(a, m, { lockToken: m.token, lockedUntil: m.lockedUntil });
            out.push(d);
            held.push(d);
          }
          return { type: "ok", value: { source: a, mode: c.mode, deliveries: out } };
        });
        break;
      }
      case "settle": {
        if (held.length === 0) break;
        const d = held.splice(c.pick % held.length, 1)[0]!;
        const reason = c.outcome === "dead-letter" ? { reason: "sim-reason" } : {};
        call("c1", "settle", { outcome: c.outcome, id: d.id, entity: d.entity, lockToken: d.lockToken, ...reason }, () => {
          const m = locked(d);
          if (!m) return { type: "fail", error: "lock lost" };
          if (c.outcome === "complete") main.get(d.entity)!.splice(main.get(d.entity)!.indexOf(m), 1);
          else if (c.outcome === "abandon") release(d.entity, m, true);
          else move(d.entity, m, "sim-reason");
          return { type: "ok" };
        });
        break;
      }
      case "renew": {
        if (held.length === 0) break;
        const d = held[c.pick % held.length]!;
        const value = { id: d.id, entity: d.entity, lockToken: d.lockToken };
        call("c1", "renew", value, (now) => {
          const m = locked(d);
          if (!m) return { type: "fail", error: "lock lost" };
          m.lockedUntil = now + lockNs;
          return { type: "ok", value: { ...value, lockedUntil: m.lockedUntil } };
        });
        break;
      }
      case "wait":
        t += c.ms * NS_PER_MS;
        break;
    }
  }
  // Final drain: wait out every lock, then empty each queue and its DLQ.
  for (const a of addresses) for (const m of main.get(a)!) if (m.lockedUntil !== undefined) t = Math.max(t, m.lockedUntil + STEP);
  for (const a of addresses) {
    call("drain", "drain", { source: a, dlq: false }, () => {
      const out = main.get(a)!.map((m) => describe(a, m, { deliveryCount: m.count + 1 }));
      main.set(a, []);
      return { type: "ok", value: { source: a, dlq: false, deliveries: out } };
    });
    call("drain", "drain", { source: a, dlq: true }, () => {
      const out = dlq.get(a)!.map((m) => describe(a, m, { dlq: true, deadLetterReason: m.reason }));
      dlq.set(a, []);
      return { type: "ok", value: { source: a, dlq: true, deliveries: out } };
    });
  }
  return ops;
}
