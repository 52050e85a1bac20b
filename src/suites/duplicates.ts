import { checkerByName } from "../checkers/registry.js";
import type { Suite } from "../core/suite.js";
import { scenarioArbitrary } from "../workload/scenario-arbitrary.js";

/** Exactly-once processing: producer retries deduplicated, no message completed twice. */
export const duplicates: Suite = {
  name: "duplicates",
  description: "with duplicate detection, producer retries are dropped and no message is completed twice",
  requires: ["peek-lock", "duplicate-detection"],
  claims: { exactlyOnce: true },
  scenarios: (caps) =>
    scenarioArbitrary({
      suite: "duplicates",
      topologies: [[{ kind: "queue", name: "orders", lockDurationMs: 50, maxDeliveryCount: 10, duplicateDetectionMs: 60_000 }]],
      keys: 2,
      producers: { min: 1, max: 3 },
      sendsPerProducer: { min: 1, max: 8 },
      maxBatch: caps.has("batch-send") ? 3 : 1,
      resendRate: 0.3,
      consumersPerSource: { min: 1, max: 3 },
      receiveBatch: { min: 1, max: 3 },
      actions: { complete: 6, abandon: caps.has("abandon") ? 1 : 0, crash: 1 },
      actionsPerConsumer: 8,
      durationMs: 5_000,
    }),
  checkers: [checkerByName("duplicates"), checkerByName("at-least-once"), checkerByName("kafka-log")],
};
