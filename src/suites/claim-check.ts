import fc from "fast-check";
import { checkerByName } from "../checkers/registry.js";
import type { EntitySpec } from "../core/entities.js";
import type { FaultStep } from "../core/faults.js";
import type { ClaimCheckPlan, Scenario } from "../core/scenario.js";
import type { Suite } from "../core/suite.js";
import { scenarioArbitrary } from "../workload/scenario-arbitrary.js";

/** Payloads over this many bytes go to the store; at or under it they travel inline. */
export const CLAIM_CHECK_THRESHOLD = 1024;

const sub = (name: string) => ({ name, lockDurationMs: 1_000, maxDeliveryCount: 20 });

/** Store faults: latency on the store's connections, or an outage (the proxy cut), early in the run. */
const storeFault: fc.Arbitrary<FaultStep> = fc.oneof(
  fc.record({ name: fc.constant("latency" as const), atMs: fc.integer({ min: 0, max: 400 }), durationMs: fc.integer({ min: 200, max: 1_500 }), params: fc.record({ latency: fc.integer({ min: 20, max: 300 }), jitter: fc.constant(10) }) }),
  fc.record({ name: fc.constant("cut" as const), atMs: fc.integer({ min: 0, max: 400 }), durationMs: fc.integer({ min: 100, max: 1_000 }) }),
);

/** Give a generated workload its claim-check stage: payload sizes either side of the threshold, producer crashes, store faults. */
function withClaimCheck(s: Scenario): fc.Arbitrary<Scenario> {
  const ids = s.producers.flatMap((p) => p.sends.flatMap((x) => x.messages.map((m) => m.id)));
  const size = fc.oneof(fc.integer({ min: 1, max: CLAIM_CHECK_THRESHOLD }), fc.integer({ min: CLAIM_CHECK_THRESHOLD + 1, max: 8 * CLAIM_CHECK_THRESHOLD }));
  return fc
    .record({
      sizes: fc.array(size, { minLength: ids.length, maxLength: ids.length }),
      producerCrashes: fc.subarray(ids, { maxLength: Math.min(2, ids.length) }),
      storeFaults: fc.array(storeFault, { maxLength: 1 }),
      resendAfterDelete: fc.subarray(ids, { maxLength: Math.min(1, ids.length) }),
    })
    .map(({ sizes, producerCrashes, storeFaults, resendAfterDelete }) => {
      const sizeOf = new Map(ids.map((id, i) => [id, sizes[i]!]));
      const claimCheck: ClaimCheckPlan = { thresholdBytes: CLAIM_CHECK_THRESHOLD, cleanupWindowMs: 0, producerCrashes, deleteOn: "copies-settled", ...(storeFaults.length ? { storeFaults } : {}), ...(resendAfterDelete.length ? { resendAfterDelete } : {}) };
      const producers = s.producers.map((p) => ({ ...p, sends: p.sends.map((x) => ({ ...x, messages: x.messages.map((m) => ({ ...m, size: sizeOf.get(m.id)! })) })) }));
      return { ...s, producers, claimCheck };
    });
}

/**
 * The claim-check pattern on any broker (docs/patterns.md): payloads over the threshold go to a
 * real blob store (a private Azurite behind toxiproxy, or a directory) and only a reference is
 * sent; consumers hydrate each reference, then settle; topics fan out to several subscriptions;
 * a payload is deleted once every copy was settled. Faults: store latency and outage, a producer
 * crash between upload and send, a consumer crash after hydrating and before the ack, and a
 * message delivered again after its payload was deleted (a producer retry's late duplicate).
 */
export const claimCheck: Suite = {
  name: "claim-check",
  description: "claim-check with a real blob store: references hydrate to the exact bytes, none dangles, no orphan is left, nothing over the threshold inline",
  requires: ["peek-lock"],
  claims: {},
  needsStore: true,
  noteFrom: "claim-check-dangling",
  scenarios: (caps) => {
    const topologies: EntitySpec[][] = [[{ kind: "queue", name: "claims", lockDurationMs: 1_000, maxDeliveryCount: 20 }]];
    if (caps.has("topics")) topologies.unshift([{ kind: "topic", name: "documents", subscriptions: [sub("archive"), sub("index"), sub("thumbnails")] }]);
    return scenarioArbitrary({
      suite: "claim-check",
      topologies,
      keys: 0,
      producers: { min: 1, max: 2 },
      sendsPerProducer: { min: 1, max: 5 },
      maxBatch: 1,
      consumersPerSource: { min: 1, max: 2 },
      receiveBatch: { min: 1, max: 3 },
      actions: { complete: 6, crash: 2 },
      actionsPerConsumer: 4,
      durationMs: 10_000,
    }).chain(withClaimCheck);
  },
  checkers: [
    checkerByName("claim-check-hashes"),
    checkerByName("claim-check-dangling"),
    checkerByName("claim-check-orphans"),
    checkerByName("claim-check-threshold"),
    checkerByName("at-least-once"),
  ],
};
