import type { EntitySpec } from "../core/entities.js";
import { UsageError } from "../core/errors.js";
import type { Suite } from "../core/suite.js";
import { type CheckedClaim, type UncheckedPromise, claimsOf } from "./claims.js";
import { entitySpecs } from "./entities.js";
import type { Plan } from "./schema.js";
import { claimSuite, claimSuiteName } from "./suites.js";

/** A plan made runnable: its entities in Gauntlet's words, the claims checked and a suite for each. */
export interface ResolvedPlan {
  plan: Plan;
  entities: EntitySpec[];
  claims: CheckedClaim[];
  unchecked: UncheckedPromise[];
  suites: Suite[];
}

/** Broker schemes each plan family runs on (memory:// models Service Bus's semantics). */
export const PLAN_SCHEMES: Readonly<Record<Plan["family"], readonly string[]>> = { servicebus: ["servicebus-emulator", "servicebus", "memory"], rabbitmq: ["amqp"], kafka: ["kafka"] };

/** Refuse a broker the plan's family cannot run on (exit 3, naming the fix). */
export function checkPlanBroker(plan: Plan, broker: string): void {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(broker)?.[1]?.toLowerCase();
  const schemes = PLAN_SCHEMES[plan.family];
  if (scheme && !schemes.includes(scheme)) throw new UsageError(`--broker: a ${plan.family} plan cannot run on ${scheme}:// (its entities are ${plan.family} entities)`, `use one of ${schemes.map((s) => `${s}://`).join(", ")}`);
}

/** Plan → entities, claims (declared, else derived) and one suite per claim. */
export function resolvePlan(plan: Plan): ResolvedPlan {
  const entities = entitySpecs(plan);
  const { claims, unchecked } = claimsOf(plan);
  const seen = new Set<string>();
  const unique = claims.filter((c) => !seen.has(claimSuiteName(c.claim)) && seen.add(claimSuiteName(c.claim)));
  return { plan, entities, claims: unique, unchecked, suites: unique.map((c) => claimSuite(plan, entities, c)) };
}
