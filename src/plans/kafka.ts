import type { EntitySpec } from "../core/entities.js";
import type { CheckedClaim, PlanProblem, UncheckedPromise } from "./claim-types.js";
import type { KafkaPlan } from "./schema.js";

/** Kafka's producer defaults (3.x clients): acks=all, and idempotence on unless acks says otherwise. */
export interface KafkaClientView {
  acks: "all" | "1" | "0";
  idempotent: boolean;
  retries: number;
  maxInFlight: number;
}

const DEFAULT_RETRIES = 5;
/** Kafka's default max.in.flight.requests.per.connection. */
const DEFAULT_IN_FLIGHT = 5;

/** The producer a Kafka plan describes, its unset settings filled in as Kafka's Java client would. */
export function kafkaProducerOf(plan: KafkaPlan): KafkaClientView {
  const p = plan.producer ?? {};
  const acks = p.acks === undefined || p.acks === "-1" ? "all" : p.acks;
  const idempotent = p["enable.idempotence"] ?? acks === "all";
  return { acks, idempotent, retries: p.retries ?? DEFAULT_RETRIES, maxInFlight: idempotent ? 1 : (p["max.in.flight.requests.per.connection"] ?? DEFAULT_IN_FLIGHT) };
}

/** A Kafka plan's topics in Gauntlet's words: each is read by one consumer group (a queue); keys map to partitions. */
export function kafkaEntities(plan: KafkaPlan): EntitySpec[] {
  return plan.entities.map((e) => ({
    kind: "queue",
    name: e.name,
    orderedKeys: true,
    native: { partitions: e.settings.partitions ?? 3, replicationFactor: e.settings.replicationFactor ?? 1, configs: e.settings.configs },
  }));
}

/**
 * The URL options a Kafka plan's client settings become (the driver reads them from the
 * kafka:// URL, so the rerun command and the report show them).
 */
export function kafkaUrlOptions(plan: KafkaPlan): Record<string, string> {
  const p = kafkaProducerOf(plan);
  const c = plan.consumer ?? {};
  return {
    acks: p.acks,
    idempotent: String(p.idempotent),
    retries: String(p.retries),
    "max-in-flight": String(p.maxInFlight),
    // acks=0: a send the client reported written counts as sent, so a loss is visible (what the application relied on).
    ...(p.acks === "0" ? { "acks0-sent": "true" } : {}),
    ...(c["isolation.level"] ? { "isolation-level": c["isolation.level"] } : {}),
    ...(c["session.timeout.ms"] !== undefined ? { "session-timeout-ms": String(c["session.timeout.ms"]) } : {}),
  };
}

/** Derived claims of a Kafka plan, and the promises (or settings) it does not check, named. */
export function kafkaClaims(plan: KafkaPlan): { claims: CheckedClaim[]; unchecked: UncheckedPromise[] } {
  const p = kafkaProducerOf(plan);
  const claims: CheckedClaim[] = [];
  const unchecked: UncheckedPromise[] = [];
  for (const e of plan.entities) {
    const rf = e.settings.replicationFactor ?? 1;
    const isr = e.settings.configs["min.insync.replicas"];
    if (p.acks === "all") claims.push({ claim: { claim: "no-loss", entity: e.name }, because: `acks=all (replication factor ${rf}${isr ? `, min.insync.replicas ${isr}` : ""}): an acknowledged write is on every in-sync replica` });
    else unchecked.push({ entity: e.name, setting: `acks=${p.acks}`, reason: `no loss is not derived: ${p.acks === "1" ? "the leader alone acknowledges, so a leader failover can lose acknowledged writes" : "the broker confirms nothing"} (declare a no-loss claim to test it anyway)` });
    if (p.idempotent || p.maxInFlight === 1 || p.retries === 0) claims.push({ claim: { claim: "order-per-key", entity: e.name }, because: `a key maps to one partition${p.idempotent ? " and the idempotent producer keeps retries in order" : p.retries === 0 ? " and nothing is retried" : " and one request is in flight"}` });
    else unchecked.push({ entity: e.name, setting: `retries ${p.retries} + max.in.flight.requests.per.connection ${p.maxInFlight} without idempotence`, reason: "order per key is not promised (a retried batch may land after a later one), so it is not derived" });
    if (p.idempotent) claims.push({ claim: { claim: "no-duplicates", entity: e.name }, because: "enable.idempotence: a producer retry is stored once (judged under --faults)" });
    if (e.settings.configs["unclean.leader.election.enable"]) unchecked.push({ entity: e.name, setting: "unclean.leader.election.enable=true", reason: "an out-of-sync leader may drop acknowledged writes: only a cluster fault (--faults partition-leader on brokers up kafka --nodes 3) can show it" });
    for (const k of ["retention.ms", "retention.bytes", "cleanup.policy", "max.message.bytes"] as const) {
      if (e.settings.configs[k] !== undefined) unchecked.push({ entity: e.name, setting: `${k}=${String(e.settings.configs[k])}`, reason: "applied to the topic; its promise is not exercised (Gauntlet's messages are small and read long before they expire)" });
    }
  }
  const asked = plan.producer?.["max.in.flight.requests.per.connection"];
  if (p.idempotent && asked !== undefined && asked > 1) unchecked.push({ entity: "(producer)", setting: `max.in.flight.requests.per.connection=${asked}`, reason: "not honoured: Gauntlet's idempotent producer (kafkajs) keeps one request in flight; it runs with 1" });
  const c = plan.consumer ?? {};
  if (c["enable.auto.commit"]) unchecked.push({ entity: "(consumer)", setting: "enable.auto.commit=true", reason: "not honoured: Gauntlet's consumers commit after processing; commits on a timer are not modelled" });
  if (c["isolation.level"]) unchecked.push({ entity: "(consumer)", setting: `isolation.level=${c["isolation.level"]}`, reason: "applied to the consumers; not exercised (Gauntlet's producers are not transactional)" });
  return { claims, unchecked };
}

/** Settings Kafka's client or broker refuses, and claims Kafka cannot express: each with its JSON path and fix. */
export function kafkaProblems(plan: KafkaPlan): PlanProblem[] {
  const out: PlanProblem[] = [];
  const p = plan.producer ?? {};
  const acks = p.acks ?? "all";
  if (p["enable.idempotence"] === true && !["all", "-1"].includes(acks)) out.push({ path: "$.producer[\"enable.idempotence\"]", message: `an idempotent producer needs acks=all (the Java client refuses acks=${acks})`, fix: 'set "acks": "all", or "enable.idempotence": false' });
  plan.entities.forEach((e, i) => {
    const isr = e.settings.configs["min.insync.replicas"];
    const rf = e.settings.replicationFactor ?? 1;
    if (isr !== undefined && isr > rf) out.push({ path: `$.entities[${i}].settings.configs["min.insync.replicas"]`, message: `min.insync.replicas ${isr} is more than the replication factor ${rf}: every acks=all write would fail (NOT_ENOUGH_REPLICAS)`, fix: `raise settings.replicationFactor to at least ${isr}, or lower min.insync.replicas` });
  });
  (plan.claims ?? []).forEach((c, i) => {
    if (c.claim === "dead-letter-after") out.push({ path: `$.claims[${i}].claim`, message: "Kafka has no dead-letter queue or delivery count: dead-letter-after cannot be expressed on it", fix: "remove the claim (a dead-letter topic is the application's, not the broker's)" });
  });
  return out;
}
