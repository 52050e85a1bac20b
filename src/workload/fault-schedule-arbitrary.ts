import fc from "fast-check";
import type { FaultName, FaultStep } from "../core/faults.js";

export interface ScheduleOptions {
  names: readonly FaultName[];
  /** Most windows per scenario. */
  maxWindows?: number;
  /** Windows start within this many ms of the run's start (real brokers: while the workload runs). */
  horizonMs?: number;
  /** Shortest window, ms (default 10): a partition must outlast the broker's failure detection. */
  minWindowMs?: number;
  /** Directions a toxic may act in (default: downstream only, broker → client); shrinks to the first. */
  streams?: readonly ("upstream" | "downstream")[];
}

/** Faults that are toxics on a stream (cut and the others are not). */
const TOXICS: ReadonlySet<FaultName> = new Set<FaultName>(["latency", "bandwidth", "timeout", "reset-peer", "slicer"]);

const MIN_WINDOW_MS = 10;

/** Parameter ranges per fault; fast-check shrinks each toward its mildest value. */
const PARAMS: Partial<Record<FaultName, Record<string, [number, number]>>> = {
  latency: { latency: [5, 200], jitter: [0, 50] },
  bandwidth: { rate: [1, 64] },
  timeout: { timeout: [20, 500] },
  "reset-peer": { timeout: [0, 50] },
  slicer: { average_size: [1, 64], size_variation: [0, 16], delay: [0, 2000] },
  // Which node (modulo the cluster size) a partition isolates, or where it splits; shrinks to node 0.
  "partition-node": { node: [0, 6] },
  "partition-halves": { node: [0, 6] },
  "partition-bridge": { node: [0, 6] },
  // Protocol faults: which matching frame of the window (shrinks to the first), how long a delay, how long a storm.
  "lost-confirm": { nth: [1, 3] },
  "delayed-confirm": { nth: [1, 3], delay: [10, 1000] },
  "lost-consumer-ack": { nth: [1, 3] },
  "lost-produce-response": { nth: [1, 3] },
  "lost-commit-response": { nth: [1, 3] },
  "produce-timed-out": { nth: [1, 3] },
  "coordinator-loading": { nth: [1, 3], count: [1, 5] },
  "not-leader": { nth: [1, 3], count: [1, 5] },
  "connection-blocked": { nth: [1, 3], delay: [100, 3000] },
  "channel-close": { nth: [1, 3] },
  "rebalance-in-progress": { nth: [1, 2], count: [1, 3] },
};

function stepArbitrary(names: readonly FaultName[], horizonMs: number, minWindowMs: number, streams: ScheduleOptions["streams"]): fc.Arbitrary<FaultStep> {
  return fc.constantFrom(...names).chain((name) => {
    const ranges = PARAMS[name] ?? {};
    const params = fc.record(Object.fromEntries(Object.entries(ranges).map(([k, [min, max]]) => [k, fc.integer({ min, max })])));
    return fc.record({
      name: fc.constant(name),
      atMs: fc.integer({ min: 0, max: Math.max(0, horizonMs - minWindowMs) }),
      durationMs: fc.integer({ min: minWindowMs, max: Math.max(2 * minWindowMs, Math.floor(horizonMs / 2)) }),
      params,
      ...(streams?.length && TOXICS.has(name) ? { stream: fc.constantFrom(...streams) } : {}),
    });
  });
}

/**
 * Fault windows for one scenario: 1..`maxWindows` steps of the requested faults, made
 * sequential (a window starts after the previous one ends, so each is a clean band) and kept
 * within the horizon (a window pushed past it is dropped, one reaching past it is cut short).
 * Shrinks to fewer, shorter, milder windows.
 */
export function faultScheduleArbitrary(options: ScheduleOptions): fc.Arbitrary<FaultStep[]> {
  const horizonMs = options.horizonMs ?? 1_000;
  const minWindowMs = Math.max(MIN_WINDOW_MS, options.minWindowMs ?? MIN_WINDOW_MS);
  return fc.array(stepArbitrary(options.names, horizonMs, minWindowMs, options.streams), { minLength: 1, maxLength: options.maxWindows ?? 4 }).map((steps) => {
    const sorted = [...steps].sort((a, b) => a.atMs - b.atMs);
    let free = 0;
    const windows: FaultStep[] = [];
    for (const s of sorted) {
      const atMs = Math.max(s.atMs, free);
      if (atMs + minWindowMs > horizonMs) break;
      const durationMs = Math.min(s.durationMs, horizonMs - atMs);
      free = atMs + durationMs;
      windows.push(Object.keys(s.params ?? {}).length ? { ...s, atMs, durationMs } : { name: s.name, atMs, durationMs, ...(s.stream ? { stream: s.stream } : {}) });
    }
    return windows;
  });
}
