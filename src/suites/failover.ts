import { checkerByName } from "../checkers/registry.js";
import type { Suite } from "../core/suite.js";
import { scenarioArbitrary } from "../workload/scenario-arbitrary.js";

/**
 * Confirmed messages survive a cluster's failures: slow producers with publisher confirms and
 * consumers keep going through partitions and node or leader faults (`--faults partition-halves,
 * kill-leader`...), then everything left is drained. Loss fails the run (`lost`); redeliveries
 * are allowed. The failover checker notes whether the faults bit. See docs/clusters.md.
 */
export const failover: Suite = {
  name: "failover",
  description: "every confirmed send survives partitions and leader failures of a cluster (redeliveries allowed, loss is not)",
  requires: [],
  claims: {},
  needsFaults: true,
  noteFrom: "failover",
  scenarios: () =>
    scenarioArbitrary({
      suite: "failover",
      topologies: [[{ kind: "queue", name: "orders" }]],
      keys: 0,
      producers: { min: 2, max: 3 },
      sendsPerProducer: { min: 25, max: 40 },
      maxBatch: 1,
      sendDelayMs: { min: 300, max: 800 },
      consumersPerSource: { min: 1, max: 2 },
      receiveBatch: { min: 1, max: 4 },
      actions: { complete: 1 },
      actionsPerConsumer: 0,
      durationMs: 60_000,
    }),
  // Windows long enough for the broker to notice (net_ticktime 5 s: 4-7 s), while producers still send.
  faultSchedule: { maxWindows: 2, horizonMs: 20_000, minWindowMs: 8_000 },
  checkers: [checkerByName("at-least-once"), checkerByName("failover")],
};
