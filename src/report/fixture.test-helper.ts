/** Test fixtures for the report layer: a hand-built history and a realistic RunSummary. Not a test file. */
import type { Op } from "../core/history.js";
import type { CheckResult } from "../core/result.js";
import type { RunSummary } from "../core/run.js";
import type { Scenario } from "../core/scenario.js";
import { historyMetrics } from "./metrics.js";

const MS = 1_000_000;

/** Builds ops with consecutive indexes. */
export class HistoryBuilder {
  readonly ops: Op[] = [];
  add(time: number, process: string, type: Op["type"], f: string, value?: unknown, error?: string): Op {
    const op: Op = { index: this.ops.length, time, process, type, f };
    if (value !== undefined) op.value = value;
    if (error !== undefined) op.error = error;
    this.ops.push(op);
    return op;
  }
  /** An invocation at `start` and its completion at `end` (ns). */
  pair(start: number, end: number, process: string, f: string, type: Exclude<Op["type"], "invoke">, value?: unknown, done?: unknown): void {
    this.add(start, process, "invoke", f, value);
    this.add(end, process, type, f, done ?? value);
  }
}

/** A small run: sends, receives, settles, a partition fault; ~120 ms of history time. */
export function sampleHistory(): Op[] {
  const b = new HistoryBuilder();
  b.add(0, "setup", "ok", "setup", { broker: "memory", entities: [{ kind: "queue", name: "orders" }] });
  for (let i = 0; i < 20; i++) {
    const t = i * 5 * MS;
    const messages = [{ id: `m${2 * i}`, key: `k${i % 3}` }, { id: `m${2 * i + 1}`, key: `k${i % 3}` }];
    b.pair(t, t + (1 + (i % 4)) * MS, "p1", "send", i === 7 ? "info" : "ok", { target: "orders", messages });
    const deliveries = messages.map((m) => ({ ...m, entity: "orders", deliveryCount: 1, lockToken: `lt-${m.id}` }));
    b.pair(t + 2 * MS, t + 3 * MS, "c1", "receive", "ok", { source: "orders", mode: "peek-lock" }, { source: "orders", deliveries });
    b.pair(t + 3 * MS, t + 3.5 * MS, "c1", "settle", "ok", { outcome: "complete", id: messages[0]!.id, entity: "orders" });
  }
  b.pair(30 * MS, 30.2 * MS, "nemesis", "fault", "ok", { name: "partition", phase: "start", target: "orders" });
  b.pair(60 * MS, 60.1 * MS, "nemesis", "fault", "ok", { name: "partition", phase: "stop", target: "orders" });
  b.pair(110 * MS, 120 * MS, "c1", "drain", "ok", { source: "orders" }, { source: "orders", deliveries: [] });
  return b.ops;
}

/** The counterexample scenario of the failing suite. */
export const COUNTEREXAMPLE: Scenario = {
  version: 1,
  suite: "lock-expiry",
  seed: 7,
  entities: [{ kind: "queue", name: "orders", lockDurationMs: 30 }],
  producers: [{ name: "p1", target: "orders", sends: [{ delayMs: 0, messages: [{ id: "m1", key: "k1" }] }] }],
  consumers: [{ name: "c1", source: "orders", mode: "peek-lock", batch: 1, actions: [{ kind: "slow", handleMs: 40 }], startDelayMs: 0 }],
  durationMs: 200,
};

const valid = (counts: Record<string, number> = {}, stats?: Record<string, number>): CheckResult => ({ valid: true, anomalies: {}, counts, stats });

/**
 * A RunSummary with four suites: valid (metrics), invalid (anomalies, counterexample, replay,
 * faults), not applicable, and unknown after an infrastructure error. `explanation` replaces the
 * text of the first `lost` example (for escaping tests).
 */
export function fixtureSummary(explanation = "m1 was acknowledged by the broker but never delivered, not even by the final drain"): RunSummary {
  const metrics = historyMetrics(sampleHistory());
  const lostResult: CheckResult = {
    valid: false,
    anomalies: {
      lost: [
        { indexes: [3, 4], id: "m1", entity: "orders", explanation },
        { indexes: [9, 10], id: "m4", entity: "orders", explanation: "m4 acknowledged, never delivered", partition: 0 },
      ],
      unexpected: [{ indexes: [44], id: "zz", entity: "orders", explanation: "zz delivered but never sent" }],
    },
    counts: { lost: 5, unexpected: 1, duplicated: 0, redelivered: 3, attempts: 40, acked: 38 },
    stats: { "lost-fraction": 0.131578947 },
  };
  return {
    runId: "2025-01-02T03-04-05-abc123",
    command: "gauntlet run --broker memory:// --seed 42 --runs 50",
    startedAt: "2025-01-02T03:04:05.000Z",
    finishedAt: "2025-01-02T03:04:17.500Z",
    broker: "memory://",
    seed: 42,
    verdict: false,
    gauntletVersion: "0.1.0",
    node: "v24.1.0",
    reportDir: "reports/2025-01-02T03-04-05-abc123",
    suites: [
      {
        suite: "at-least-once",
        description: "Every acknowledged send is delivered at least once.",
        verdict: true,
        results: { "total-queue": valid({ lost: 0, attempts: 40, acked: 40 }), "delivery-count": valid(), "lock-overlap": valid() },
        runs: 50,
        requestedRuns: 50,
        seed: 42,
        historyRun: "at-least-once",
        metrics,
        wallMs: 4_200,
      },
      {
        suite: "lock-expiry",
        description: "A handler slower than its lock must not settle a message that was redelivered.",
        verdict: false,
        results: {
          "total-queue": lostResult,
          "lock-overlap": valid({ "lock-overlap": 0 }),
          "dlq-missing": { valid: true, anomalies: {}, counts: {}, notApplicable: true, reason: "no dead-letter queue configured" },
        },
        runs: 37,
        requestedRuns: 50,
        seed: 42,
        path: "12:0:1",
        counterexample: COUNTEREXAMPLE,
        reproFile: "repro-lock-expiry.json",
        replayCommand: "gauntlet replay reports/2025-01-02T03-04-05-abc123/repro-lock-expiry.json",
        historyRun: "lock-expiry",
        metrics,
        wallMs: 7_100,
      },
      {
        suite: "sessions-order",
        description: "Per-session FIFO.",
        verdict: true,
        notApplicable: "broker lacks sessions",
        results: {},
        runs: 0,
        requestedRuns: 50,
        seed: 42,
        historyRun: "sessions-order",
        wallMs: 12,
      },
      {
        suite: "dead-letter",
        description: "Dead-letter on the n-th delivery.",
        verdict: "unknown",
        results: {},
        runs: 0,
        requestedRuns: 50,
        seed: 42,
        historyRun: "dead-letter",
        wallMs: 1_000,
        error: "cannot connect to the broker: ECONNREFUSED 127.0.0.1:5672\n    at connect (net.js:1:1)",
      },
    ],
  };
}
