import type { Op } from "../src/index.js";
import type { SetupValue } from "../src/index.js";

/**
 * A large, valid history of a correct queue, generated quickly for benchmarks: producers send
 * (some batches), consumers receive in peek-lock and complete or abandon, then a final drain.
 * Deterministic for a seed. Roughly `targetOps` ops.
 */
export function syntheticHistory(targetOps: number, seed: number): { ops: Op[]; setup: SetupValue } {
  let state = seed >>> 0 || 1;
  const rand = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  const setup: SetupValue = {
    broker: "synthetic",
    entities: [{ kind: "queue", name: "q", lockDurationMs: 1_000, maxDeliveryCount: 100 }],
    locksReleasedOnCrash: false,
    claims: {},
  };
  const ops: Op[] = [];
  let time = 0;
  const push = (process: string, type: Op["type"], f: string, value?: unknown) => {
    time += 1_000;
    const op: Op = { index: ops.length, time, process, type, f };
    if (value !== undefined) op.value = value;
    ops.push(op);
  };
  push("setup", "invoke", "setup", setup);
  push("setup", "ok", "setup", setup);
  const pending: { id: string; key: string; seq: number; count: number }[] = [];
  let nextId = 0;
  let token = 0;
  while (ops.length < targetOps - 4) {
    if (pending.length < 50 || rand() < 0.5) {
      const n = rand() < 0.2 ? 3 : 1;
      const messages = Array.from({ length: n }, () => ({ id: `m${++nextId}`, key: `k${nextId % 16}` }));
      const value = { target: "q", messages };
      push("p1", "invoke", "send", value);
      push("p1", "ok", "send", value);
      for (const m of messages) pending.push({ ...m, seq: nextId, count: 0 });
      continue;
    }
    const m = pending.shift()!;
    m.count += 1;
    const lockToken = `t${++token}`;
    const delivery = { id: m.id, key: m.key, entity: "q", brokerId: String(m.seq), deliveryCount: m.count, lockToken, lockedUntil: time + 1e9 };
    push("c1", "invoke", "receive", { source: "q", mode: "peek-lock" });
    push("c1", "ok", "receive", { source: "q", mode: "peek-lock", deliveries: [delivery] });
    const outcome = rand() < 0.05 ? "abandon" : "complete";
    const settle = { outcome, id: m.id, entity: "q", lockToken };
    push("c1", "invoke", "settle", settle);
    push("c1", "ok", "settle", settle);
    if (outcome === "abandon") pending.unshift(m);
  }
  const rest = pending.map((m) => ({ id: m.id, key: m.key, entity: "q", brokerId: String(m.seq), deliveryCount: m.count + 1 }));
  push("drain", "invoke", "drain", { source: "q", dlq: false });
  push("drain", "ok", "drain", { source: "q", dlq: false, deliveries: rest });
  push("drain", "invoke", "drain", { source: "q", dlq: true });
  push("drain", "ok", "drain", { source: "q", dlq: true, deliveries: [] });
  return { ops, setup };
}
