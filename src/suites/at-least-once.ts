import { checkerByName } from "../checkers/registry.js";
import type { EntitySpec } from "../core/entities.js";
import type { Suite } from "../core/suite.js";
import { scenarioArbitrary } from "../workload/scenario-arbitrary.js";

/** Every acknowledged send reaches every copy (queue, or each subscription) at least once. */
export const atLeastOnce: Suite = {
  name: "at-least-once",
  description: "every acknowledged send is delivered at least once, through abandons, client crashes and lock expiry",
  requires: ["peek-lock"],
  claims: {},
  scenarios: (caps) => {
    const topologies: EntitySpec[][] = [[{ kind: "queue", name: "orders", lockDurationMs: 50, maxDeliveryCount: 10 }]];
    if (caps.has("topics")) {
      topologies.push([
        { kind: "topic", name: "events", subscriptions: [{ name: "billing", lockDurationMs: 50, maxDeliveryCount: 10 }, { name: "audit", lockDurationMs: 50, maxDeliveryCount: 10 }] },
      ]);
    }
    return scenarioArbitrary({
      suite: "at-least-once",
      topologies,
      keys: 3,
      producers: { min: 1, max: 3 },
      sendsPerProducer: { min: 1, max: 8 },
      maxBatch: caps.has("batch-send") ? 3 : 1,
      consumersPerSource: { min: 1, max: 3 },
      receiveBatch: { min: 1, max: 4 },
      actions: {
        complete: 6,
        abandon: caps.has("abandon") ? 1 : 0,
        crash: 1,
        slow: caps.has("lock-expiry") ? 1 : 0,
        renew: caps.has("renew-lock") ? 1 : 0,
      },
      actionsPerConsumer: 8,
      durationMs: 5_000,
    });
  },
  checkers: [checkerByName("at-least-once"), checkerByName("duplicates"), checkerByName("kafka-log")],
};
