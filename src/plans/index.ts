/** Test plans: the user's own entities, settings and claims (docs/plans.md). */
export { type Claim, type Plan, type PlanInput, planSchema } from "./schema.js";
export { PlanError, jsonPath, planProblems, validatePlan, type PlanProblem } from "./validate.js";
export { type CheckedClaim, type UncheckedPromise, claimsOf, deriveClaims } from "./claims.js";
export { type ResolvedPlan, checkPlanBroker, PLAN_SCHEMES, resolvePlan } from "./resolve.js";
export { readPlan, readRawPlan } from "./load.js";
