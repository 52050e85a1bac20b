import { checkerByName } from "../checkers/registry.js";
import type { Suite } from "../core/suite.js";
import { scenarioArbitrary } from "../workload/scenario-arbitrary.js";

/**
 * Producer retries under network faults never store a message twice. Run it with faults between
 * producers and the broker (`--faults reset-peer`): a response lost after the broker appended a
 * batch makes the client retry; an idempotent producer's sequence numbers let the broker drop the
 * copy, a plain one stores it again and consumers complete it twice ("duplicated").
 */
export const idempotentProducer: Suite = {
  name: "idempotent-producer",
  description: "client retries after network faults never store a message twice (exactly-once produce); needs --faults",
  requires: ["peek-lock"],
  claims: { exactlyOnce: true },
  needsFaults: true,
  faultSchedule: { maxWindows: 8, horizonMs: 600 },
  scenarios: () =>
    scenarioArbitrary({
      suite: "idempotent-producer",
      topologies: [[{ kind: "queue", name: "payments", lockDurationMs: 30_000, maxDeliveryCount: 10 }]],
      keys: 3,
      producers: { min: 1, max: 2 },
      sendsPerProducer: { min: 20, max: 150 },
      maxBatch: 1,
      consumersPerSource: { min: 1, max: 1 },
      receiveBatch: { min: 1, max: 10 },
      actions: { complete: 1 },
      actionsPerConsumer: 0,
      durationMs: 20_000,
    }),
  checkers: [checkerByName("duplicates"), checkerByName("at-least-once"), checkerByName("kafka-log")],
};
