import { closeSync, openSync, writeSync } from "node:fs";
import type { Op } from "../src/index.js";
import type { SetupValue } from "../src/index.js";

const SETUP: SetupValue = {
  broker: "synthetic",
  entities: [{ kind: "queue", name: "q", lockDurationMs: 1_000, maxDeliveryCount: 100 }],
  locksReleasedOnCrash: false,
  claims: {},
};

/**
 * A large, valid history of a correct queue, generated quickly for benchmarks: producers send
 * (some batches), consumers receive in peek-lock and complete or abandon, then a final drain.
 * Deterministic for a seed. Roughly `targetOps` ops.
 */
export function syntheticHistory(targetOps: number, seed: number): { ops: Op[]; setup: SetupValue } {
  const ops: Op[] = [];
  for (const op of syntheticOps(targetOps, seed)) ops.push(op);
  return { ops, setup: SETUP };
}

/**
 * The same history op by op, holding only the messages not yet completed (50 to 100), so a
 * history of any length can be written to a file without being held in memory.
 */
export function* syntheticOps(targetOps: number, seed: number): Generator<Op> {
  let state = seed >>> 0 || 1;
  const rand = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  const setup = SETUP;
  let count = 0;
  // Times are ns since the runner started, as a real run's clock; the history begins 3 s in. From
  // 0 in 1 µs steps, the first 2.1M ops' times were small integers (below 2^31): V8 stores such a
  // field as a Smi, and the first larger time made it migrate every op already read (a one-off
  // ~1.5 µs per op on the first pass) — a cost a real run pays only for its first 2 s of ops.
  let time = 3e9;
  const op = (process: string, type: Op["type"], f: string, value?: unknown): Op => {
    time += 1_000;
    const out: Op = { index: count++, time, process, type, f };
    if (value !== undefined) out.value = value;
    return out;
  };
  yield op("setup", "invoke", "setup", setup);
  yield op("setup", "ok", "setup", setup);
  const pending: { id: string; key: string; seq: number; count: number }[] = [];
  let nextId = 0;
  let token = 0;
  while (count < targetOps - 4) {
    // Below 50 in flight, always send; from 100, always receive; between, either. A send adds 1.4
    // messages on average and a receive removes 0.95, so without the upper bound the backlog grew
    // with the history (≈7% of ops): `shift`/`unshift` on it made generation quadratic (1M ops
    // 15 s, 10M ops 20 min) and the final drain one op with ~750k deliveries.
    if (pending.length < 50 || (pending.length < 100 && rand() < 0.5)) {
      const n = rand() < 0.2 ? 3 : 1;
      const messages = Array.from({ length: n }, () => ({ id: `m${++nextId}`, key: `k${nextId % 16}` }));
      const value = { target: "q", messages };
      yield op("p1", "invoke", "send", value);
      yield op("p1", "ok", "send", value);
      for (const m of messages) pending.push({ ...m, seq: nextId, count: 0 });
      continue;
    }
    const m = pending.shift()!;
    m.count += 1;
    const lockToken = `t${++token}`;
    const delivery = { id: m.id, key: m.key, entity: "q", brokerId: String(m.seq), deliveryCount: m.count, lockToken, lockedUntil: time + 1e9 };
    yield op("c1", "invoke", "receive", { source: "q", mode: "peek-lock" });
    yield op("c1", "ok", "receive", { source: "q", mode: "peek-lock", deliveries: [delivery] });
    const outcome = rand() < 0.05 ? "abandon" : "complete";
    const settle = { outcome, id: m.id, entity: "q", lockToken };
    yield op("c1", "invoke", "settle", settle);
    yield op("c1", "ok", "settle", settle);
    if (outcome === "abandon") pending.unshift(m);
  }
  const rest = pending.map((m) => ({ id: m.id, key: m.key, entity: "q", brokerId: String(m.seq), deliveryCount: m.count + 1 }));
  yield op("drain", "invoke", "drain", { source: "q", dlq: false });
  yield op("drain", "ok", "drain", { source: "q", dlq: false, deliveries: rest });
  yield op("drain", "invoke", "drain", { source: "q", dlq: true });
  yield op("drain", "ok", "drain", { source: "q", dlq: true, deliveries: [] });
}

/** Write the synthetic history to `path` as JSONL in 1 MiB writes; returns the number of ops. */
export function writeSyntheticHistory(path: string, targetOps: number, seed: number): number {
  const fd = openSync(path, "w");
  let n = 0;
  let chunk = "";
  try {
    for (const op of syntheticOps(targetOps, seed)) {
      chunk += `${JSON.stringify(op)}\n`;
      n += 1;
      if (chunk.length >= 1 << 20) {
        writeSync(fd, chunk);
        chunk = "";
      }
    }
    if (chunk) writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
  return n;
}
