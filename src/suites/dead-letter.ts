import { checkerByName } from "../checkers/registry.js";
import type { Suite } from "../core/suite.js";
import { scenarioArbitrary } from "../workload/scenario-arbitrary.js";

/** Max delivery count and explicit dead-lettering move messages to the DLQ, with their reason. */
export const deadLetter: Suite = {
  name: "dead-letter",
  description: "the max delivery count and explicit dead-lettering move a message to the DLQ with its reason, never early",
  requires: ["peek-lock", "dead-letter", "max-delivery-count"],
  claims: {},
  scenarios: (caps) =>
    scenarioArbitrary({
      suite: "dead-letter",
      topologies: [2, 3, 4].map((max) => [{ kind: "queue" as const, name: "payments", lockDurationMs: 50, maxDeliveryCount: max }]),
      keys: 0,
      producers: { min: 1, max: 2 },
      sendsPerProducer: { min: 1, max: 5 },
      maxBatch: caps.has("batch-send") ? 2 : 1,
      consumersPerSource: { min: 1, max: 2 },
      receiveBatch: { min: 1, max: 2 },
      actions: { complete: 2, abandon: caps.has("abandon") ? 4 : 0, deadLetter: 1, crash: 1 },
      actionsPerConsumer: 20,
      durationMs: 5_000,
    }),
  checkers: [checkerByName("dead-letter"), checkerByName("at-least-once")],
};
