import { checkerByName } from "../checkers/registry.js";
import type { Capability } from "../core/capabilities.js";
import { type EntitySpec, settingsOf } from "../core/entities.js";
import type { Claims } from "../core/setup.js";
import type { Suite } from "../core/suite.js";
import { type WorkloadOptions, scenarioArbitrary } from "../workload/scenario-arbitrary.js";
import { copiesOf } from "../core/entities.js";
import type { CheckedClaim } from "./claims.js";
import type { Plan } from "./schema.js";

/** Locks longer than this leave crashes and slow handlers out of a plan's workload: each would cost a whole lock of waiting. */
const SHORT_LOCK_MS = 2_000;
/** Service Bus's default lock (PT1M) for entities whose plan sets none. */
const SB_DEFAULT_LOCK_MS = 60_000;

/**
 * Kafka plans' fault windows open while the (slowed) producers send: about 30 sends 10–50 ms
 * apart. Toxics act on responses (downstream) or on requests (upstream: a timeout toxic there
 * drops what producers write, which only an acknowledgement can reveal).
 */
const KAFKA_FAULT_SCHEDULE = { maxWindows: 6, horizonMs: 1_500, streams: ["downstream", "upstream"] as const };

/** The name of a claim's suite in reports and file names: `order-per-key@events.billing`. */
export function claimSuiteName(c: CheckedClaim["claim"]): string {
  return `${c.claim}${c.claim === "dead-letter-after" ? `-${c.deliveries}` : ""}@${c.entity.replace("/", ".")}`;
}

/** Where to send for a claim on `address`: the queue, or the subscription's topic. */
const targetOf = (address: string) => address.split("/")[0]!;

/**
 * One suite per claim: the plan's entities (all created, each scenario), sends to the claim's
 * entity, and a workload shaped to put the claim to the test — today's suites' workloads with
 * the user's settings. `requires` holds only what the workload needs, never the claimed
 * property itself, so a configuration that lacks it runs and fails rather than being skipped.
 */
export function claimSuite(plan: Plan, entities: EntitySpec[], checked: CheckedClaim): Suite {
  const c = checked.claim;
  const target = targetOf(c.entity);
  const sources = copiesOf(target, entities);
  const locks = sources.map((s) => settingsOf(s, entities)?.lockDurationMs ?? (plan.family === "servicebus" ? SB_DEFAULT_LOCK_MS : undefined));
  const noLocks = locks.every((l) => l === undefined);
  const shortLocks = locks.every((l) => l !== undefined && l <= SHORT_LOCK_MS);
  const w = plan.workload ?? {};
  const name = claimSuiteName(c);
  const base = (caps: ReadonlySet<Capability>): WorkloadOptions => ({
    suite: name,
    topologies: [entities],
    targets: [target],
    keys: w.keys ?? 3,
    producers: { min: 1, max: 2 },
    sendsPerProducer: { min: 1, max: w.messages ?? 6 },
    maxBatch: caps.has("batch-send") ? 3 : 1,
    consumersPerSource: { min: 1, max: w.consumers ?? 2 },
    receiveBatch: { min: 1, max: 3 },
    actions: { complete: 6, abandon: caps.has("abandon") ? 1 : 0, crash: noLocks || shortLocks ? 1 : 0, slow: shortLocks && caps.has("lock-expiry") ? 1 : 0 },
    actionsPerConsumer: 8,
    durationMs: 5_000,
    settingsAsDeclared: true,
    ...(shortLocks ? {} : { actionScaleMs: 100 }),
  });
  const suite = (description: string, requires: Capability[], claims: Claims, checkers: string[], shape: (o: WorkloadOptions) => WorkloadOptions): Suite => ({
    name,
    description: `${description} (${checked.because})`,
    requires,
    claims,
    scenarios: (caps) => scenarioArbitrary(shape(base(caps))),
    checkers: checkers.map(checkerByName),
  });
  switch (c.claim) {
    case "no-loss":
      if (plan.family === "kafka") {
        // Slow producers keep sending through the fault windows (--faults), which open while they send.
        const s = suite(`every acknowledged send to ${c.entity} is delivered at least once`, ["peek-lock"], {}, ["at-least-once"], (o) => ({ ...o, sendsPerProducer: { min: 20, max: Math.max(40, w.messages ?? 0) }, maxBatch: 1, sendDelayMs: { min: 20, max: 60 } }));
        return { ...s, faultSchedule: KAFKA_FAULT_SCHEDULE };
      }
      return suite(`every acknowledged send to ${c.entity} is delivered at least once`, ["peek-lock"], {}, ["at-least-once"], (o) => o);
    case "order-per-key":
      return suite(`messages with the same key are first delivered from ${c.entity} in send order`, ["peek-lock"], { orderedPerKey: true }, ["ordering-per-key", "key-exclusive", "at-least-once"], (o) => ({ ...o, actionSources: [c.entity], consumersPerSource: { min: 2, max: Math.max(2, w.consumers ?? 3) } }));
    case "no-duplicates":
      if (plan.family === "kafka") {
        // Kafka's idempotence drops the client's own retries, not an application's resends: faults make the client retry (as idempotent-producer).
        const s = suite(`a client retry to ${c.entity} after a network fault is stored once`, ["peek-lock"], { exactlyOnce: true }, ["duplicates", "at-least-once"], (o) => ({ ...o, sendsPerProducer: { min: 10, max: Math.max(30, w.messages ?? 0) }, maxBatch: 1, sendDelayMs: { min: 10, max: 50 }, actions: { complete: 1 }, actionsPerConsumer: 0 }));
        return { ...s, needsFaults: true, faultSchedule: KAFKA_FAULT_SCHEDULE };
      }
      return suite(`a producer retry to ${c.entity} is stored once and nothing is completed twice`, ["peek-lock"], { exactlyOnce: true }, ["duplicates", "at-least-once"], (o) => ({ ...o, resendRate: 0.3 }));
    case "dead-letter-after":
      return suite(
        `a message delivered ${c.deliveries} times from ${c.entity} without completion is dead-lettered, never early`,
        ["peek-lock", "abandon", "dead-letter"],
        { deadLetterAfter: { [c.entity]: c.deliveries } },
        ["dead-letter", "at-least-once"],
        (o) => ({ ...o, actionSources: [c.entity], keys: 0, sendsPerProducer: { min: 1, max: 3 }, maxBatch: 1, actions: { ...o.actions, complete: 1, abandon: 6, deadLetter: 1 }, actionsPerConsumer: Math.min(200, c.deliveries * 4) }),
      );
  }
}
