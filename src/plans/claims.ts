import { settingsOf } from "../core/entities.js";
import { addressesOf, entitySpecs } from "./entities.js";
import { kafkaClaims, kafkaProblems } from "./kafka.js";
import type { Plan } from "./schema.js";
import type { CheckedClaim, PlanProblem, UncheckedPromise } from "./claim-types.js";

export type { CheckedClaim, PlanProblem, UncheckedPromise } from "./claim-types.js";

const SB_DEFAULT_MAX_DELIVERY = 10;

/**
 * The claims a plan's settings imply (printed before the run): every entity loses nothing;
 * a delivery limit dead-letters on delivery N+1's attempt; sessions / single active consumer
 * keep order per key; duplicate detection stores no duplicates.
 */
export function deriveClaims(plan: Plan): { claims: CheckedClaim[]; unchecked: UncheckedPromise[] } {
  if (plan.family === "kafka") return kafkaClaims(plan);
  const claims: CheckedClaim[] = [];
  const unchecked: UncheckedPromise[] = [];
  for (const e of plan.entities) claims.push({ claim: { claim: "no-loss", entity: e.name }, because: `every ${e.kind} keeps what it acknowledged${plan.family === "rabbitmq" ? " (an x-max-length overflow must refuse the publish, not drop a stored message)" : ""}` });
  for (const e of entitySpecs(plan)) {
    const receivable = e.kind === "queue" ? [{ address: e.name, s: e }] : e.subscriptions.map((s) => ({ address: `${e.name}/${s.name}`, s }));
    for (const { address, s } of receivable) {
      if (s.filtered) {
        unchecked.push({ entity: address, setting: "rules (filter)", reason: "not exercised: its rules match none of the messages Gauntlet sends (no subject, no application properties but its key); it is created with them" });
        continue;
      }
      const native = (s.native ?? {}) as { arguments?: Record<string, unknown>; type?: string; defaultMessageTimeToLiveMs?: number; deadLetteringOnMessageExpiration?: boolean };
      if (plan.family === "servicebus") {
        const n = s.maxDeliveryCount ?? SB_DEFAULT_MAX_DELIVERY;
        claims.push({ claim: { claim: "dead-letter-after", entity: address, deliveries: n }, because: `maxDeliveryCount ${n}${s.maxDeliveryCount === undefined ? " (the default)" : ""}: dead-lettered as MaxDeliveryCountExceeded once delivered ${n} times` });
      } else if (typeof native.arguments?.["x-delivery-limit"] === "number" && native.arguments["x-dead-letter-exchange"] !== undefined) {
        // Derived from what the user configured, whatever the queue type: a limit RabbitMQ ignores (classic queues) then fails the claim.
        const limit = native.arguments["x-delivery-limit"];
        claims.push({ claim: { claim: "dead-letter-after", entity: address, deliveries: limit + 1 }, because: `${native.type ?? "classic"} queue with x-delivery-limit ${limit} + dead-letter exchange: dead-lettered once delivered ${limit + 1} times` });
      }
      if (s.orderedKeys) claims.push({ claim: { claim: "order-per-key", entity: address }, because: plan.family === "servicebus" ? "requiresSession: a session (key) is held by one consumer, in order" : "x-single-active-consumer: one consumer at a time, in order" });
      if (native.deadLetteringOnMessageExpiration && native.defaultMessageTimeToLiveMs !== undefined) unchecked.push({ entity: address, setting: "deadLetteringOnMessageExpiration + defaultMessageTimeToLive", reason: "expired messages dead-lettered, not lost: not checked yet (messages are consumed long before they expire)" });
      const args = native.arguments ?? {};
      // x-max-length + x-overflow is judged by no-loss: reject-publish nacks (a failed send), drop-head loses acknowledged messages.
      if (args["x-message-ttl"] !== undefined) unchecked.push({ entity: address, setting: "x-message-ttl", reason: "expired messages dead-lettered, not lost: not checked yet" });
    }
    if (e.kind === "queue" && e.duplicateDetectionMs) claims.push({ claim: { claim: "no-duplicates", entity: e.name }, because: `duplicate detection (${e.duplicateDetectionMs} ms window): a producer retry is stored once` });
    if (e.kind === "topic" && (e.native as { duplicateDetectionMs?: number } | undefined)?.duplicateDetectionMs) unchecked.push({ entity: e.name, setting: "requiresDuplicateDetection (topic)", reason: "no stored duplicates on a topic: not checked yet (checked on queues)" });
  }
  return { claims, unchecked };
}

/** Existing entities keep their own settings and dead-letter routes: say so, and drop what cannot be judged there. */
function onExisting(plan: Plan, derived: { claims: CheckedClaim[]; unchecked: UncheckedPromise[] }): { claims: CheckedClaim[]; unchecked: UncheckedPromise[] } {
  if (!plan.useExisting) return derived;
  const unchecked: UncheckedPromise[] = [{ entity: "(every entity)", setting: "useExisting", reason: "existing entities are tested as they are: the plan's settings are not applied (nothing is created), and what it says about them is taken as declared" }];
  if (plan.family !== "rabbitmq") return { claims: derived.claims, unchecked: [...unchecked, ...derived.unchecked] };
  const dropped = derived.claims.filter((c) => c.claim.claim === "dead-letter-after");
  for (const c of dropped) unchecked.push({ entity: c.claim.entity, setting: "dead-letter-after", reason: "not checked on an existing RabbitMQ queue: its dead-letter exchange routes to your queues, which Gauntlet does not read" });
  return { claims: derived.claims.filter((c) => !dropped.includes(c)), unchecked: [...unchecked, ...derived.unchecked] };
}

/** The claims a run checks: the plan's own, else derived ones. */
export function claimsOf(plan: Plan): { claims: CheckedClaim[]; unchecked: UncheckedPromise[] } {
  const derived = onExisting(plan, deriveClaims(plan));
  if (!plan.claims) return derived;
  return { claims: plan.claims.map((claim) => ({ claim, because: "declared in the plan" })), unchecked: derived.unchecked };
}

/** Settings the broker would refuse (RabbitMQ 3.10 rejects x-delivery-limit on a classic queue). */
function settingProblems(plan: Plan): PlanProblem[] {
  if (plan.family === "kafka") return kafkaProblems(plan);
  if (plan.family !== "rabbitmq") return [];
  const out: PlanProblem[] = [];
  plan.entities.forEach((e, i) => {
    const queues = e.kind === "queue" ? [{ s: e.settings, path: `$.entities[${i}].settings` }] : e.subscriptions.map((sub, j) => ({ s: sub.settings, path: `$.entities[${i}].subscriptions[${j}].settings` }));
    for (const { s, path } of queues) {
      if (s.type === "classic" && s.arguments["x-delivery-limit"] !== undefined)
        out.push({ path: `${path}.arguments["x-delivery-limit"]`, message: "RabbitMQ refuses x-delivery-limit on a classic queue (PRECONDITION_FAILED): classic queues have no delivery limit", fix: `make it a quorum queue ("type": "quorum"), or remove x-delivery-limit` });
    }
  });
  return out;
}

/** What existing entities cannot do: dead-letter claims on RabbitMQ queues whose dead-letter route is the user's. */
function existingProblems(plan: Plan): PlanProblem[] {
  if (!plan.useExisting) return [];
  if (plan.family !== "rabbitmq") return [];
  return (plan.claims ?? []).flatMap((c, i) =>
    c.claim === "dead-letter-after" ? [{ path: `$.claims[${i}].claim`, message: "dead-letter-after cannot be checked on an existing RabbitMQ queue: its dead-letter exchange routes to your queues, which Gauntlet does not read", fix: "remove the claim, or let Gauntlet create the queue (drop useExisting)" }] : [],
  );
}

/** Claims that name no entity, or that this broker family cannot express, and settings the broker refuses: each with its JSON path and fix. */
export function claimProblems(plan: Plan): PlanProblem[] {
  const { targets, receivable } = addressesOf(plan);
  const specs = entitySpecs(plan);
  const problems: PlanProblem[] = [...settingProblems(plan), ...existingProblems(plan)];
  (plan.claims ?? []).forEach((c, i) => {
    const path = `$.claims[${i}].entity`;
    const all = [...new Set([...targets, ...receivable])];
    if (!all.includes(c.entity)) {
      problems.push({ path, message: `no entity "${c.entity}" in this plan`, fix: `name one of ${all.join(", ")}` });
      return;
    }
    const isReceivable = receivable.includes(c.entity);
    if ((c.claim === "dead-letter-after" || c.claim === "order-per-key") && !isReceivable) {
      problems.push({ path, message: `${c.claim} needs a queue or a subscription; "${c.entity}" is a topic`, fix: `name one of its subscriptions, e.g. ${receivable.find((r) => r.startsWith(`${c.entity}/`))}` });
    }
    if (c.claim === "no-duplicates" && plan.family === "rabbitmq") {
      problems.push({ path: `$.claims[${i}].claim`, message: "RabbitMQ has no broker-side duplicate detection: no-duplicates cannot be expressed on it", fix: "remove the claim (deduplicate in the consumer; gauntlet certify checks that)" });
    }
    if (c.claim === "no-duplicates" && plan.family === "servicebus" && !isReceivable) {
      problems.push({ path, message: "no-duplicates is checked on queues", fix: "name a queue with requiresDuplicateDetection" });
    }
    if (c.claim === "order-per-key" && plan.family === "rabbitmq" && isReceivable && !settingsOf(c.entity, specs)?.orderedKeys) {
      problems.push({ path, message: `RabbitMQ keeps order per key on "${c.entity}" only with one consumer at a time`, fix: `set "x-single-active-consumer": true in the arguments of "${c.entity}"` });
    }
  });
  return problems;
}
