import { checkerByName } from "../checkers/registry.js";
import type { Suite } from "../core/suite.js";
import { scenarioArbitrary } from "../workload/scenario-arbitrary.js";

/** Messages that share a key are first delivered in the order they were sent (sessions). */
export const orderingPerKey: Suite = {
  name: "ordering-per-key",
  description: "messages with the same key are first delivered in send order, through abandons and crashes",
  requires: ["peek-lock", "ordered-keys"],
  claims: { orderedPerKey: true },
  scenarios: (caps) =>
    scenarioArbitrary({
      suite: "ordering-per-key",
      topologies: [[{ kind: "queue", name: "orders", lockDurationMs: 50, maxDeliveryCount: 10, orderedKeys: true }]],
      keys: 3,
      producers: { min: 1, max: 2 },
      sendsPerProducer: { min: 2, max: 8 },
      maxBatch: caps.has("batch-send") ? 3 : 1,
      consumersPerSource: { min: 1, max: 3 },
      receiveBatch: { min: 1, max: 3 },
      actions: { complete: 6, abandon: caps.has("abandon") ? 1 : 0, crash: 1 },
      actionsPerConsumer: 8,
      durationMs: 5_000,
    }),
  checkers: [checkerByName("ordering-per-key"), checkerByName("at-least-once"), checkerByName("kafka-log")],
};
