import { checkerByName } from "../checkers/registry.js";
import type { Suite } from "../core/suite.js";
import { scenarioArbitrary } from "../workload/scenario-arbitrary.js";

/**
 * Receive-and-delete consumers that crash: the broker still delivers every message (at-least-once
 * holds for delivery), but what a crashed consumer had taken is gone — the suite's note counts it.
 */
export const receiveAndDelete: Suite = {
  name: "receive-and-delete",
  description: "receive-and-delete delivers every message once, and a consumer crash loses what it held: at-most-once processing, counted",
  requires: ["receive-and-delete"],
  claims: {},
  noteFrom: "at-most-once",
  scenarios: () =>
    scenarioArbitrary({
      suite: "receive-and-delete",
      topologies: [[{ kind: "queue", name: "telemetry", lockDurationMs: 50, maxDeliveryCount: 10 }]],
      keys: 0,
      producers: { min: 1, max: 2 },
      sendsPerProducer: { min: 2, max: 8 },
      maxBatch: 1,
      consumersPerSource: { min: 1, max: 2 },
      receiveBatch: { min: 1, max: 4 },
      receiveAndDeleteRate: 1,
      actions: { complete: 3, crash: 1 },
      actionsPerConsumer: 8,
      durationMs: 5_000,
    }),
  checkers: [checkerByName("at-least-once"), checkerByName("duplicates"), checkerByName("at-most-once")],
};
