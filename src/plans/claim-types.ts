import type { Claim } from "./schema.js";

/** One bad field of a plan: its JSON path, what is wrong, and the fix. */
export interface PlanProblem {
  path: string;
  message: string;
  fix: string;
}

/** A claim to check, with why it is checked (the setting it was derived from, or "declared"). */
export interface CheckedClaim {
  claim: Claim;
  because: string;
}

/** What the plan's settings promise that Gauntlet does not check yet: named, so nobody assumes it was. */
export interface UncheckedPromise {
  entity: string;
  setting: string;
  reason: string;
}
