import { checkerByName } from "../checkers/registry.js";
import type { Suite } from "../core/suite.js";
import { scenarioArbitrary } from "../workload/scenario-arbitrary.js";

/** Peek-lock semantics: no two live locks, no early redelivery, no settlement after lock loss. */
export const lockExpiry: Suite = {
  name: "lock-expiry",
  description: "a lock is exclusive until it expires or is released; settling after expiry fails; delivery counts grow",
  requires: ["peek-lock", "lock-expiry"],
  claims: {},
  scenarios: (caps) =>
    scenarioArbitrary({
      suite: "lock-expiry",
      topologies: [[{ kind: "queue", name: "jobs", lockDurationMs: 40, maxDeliveryCount: 20 }]],
      keys: 0,
      producers: { min: 1, max: 2 },
      sendsPerProducer: { min: 1, max: 6 },
      maxBatch: caps.has("batch-send") ? 2 : 1,
      consumersPerSource: { min: 2, max: 3 },
      receiveBatch: { min: 1, max: 2 },
      actions: {
        complete: 4,
        slow: 2,
        renew: caps.has("renew-lock") ? 2 : 0,
        crash: 1,
        abandon: caps.has("abandon") ? 1 : 0,
      },
      actionsPerConsumer: 8,
      durationMs: 5_000,
    }),
  checkers: [checkerByName("lock-expiry"), checkerByName("at-least-once")],
};
