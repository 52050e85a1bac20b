import type { RunSummary } from "../core/run.js";
import { RunFailedError, failureMessage } from "./assert.js";
import { type PlanRunOptions, planTest } from "./plan-test.js";
import { type RunHooks, runResolved } from "./run.js";

/**
 * Run a plan — the user's own entities, settings and claims — against its broker (or
 * options.broker) and write every artefact; results.json's `plan` says which claims were checked
 * and which configuration the broker reported. Bad plans throw PlanError (exit 3).
 */
export async function runPlan(plan: unknown, options: PlanRunOptions = {}, hooks: RunHooks = {}): Promise<RunSummary> {
  const { t, info, command } = planTest(plan, options);
  return runResolved(t, hooks, { command, plan: info });
}

/** Run a plan and throw RunFailedError (seed, shrunk counterexample, replay) unless every claim holds — for vitest. */
export async function assertPlan(plan: unknown, options: PlanRunOptions = {}, hooks: RunHooks = {}): Promise<RunSummary> {
  const summary = await runPlan(plan, options, hooks);
  if (summary.verdict === true) return summary;
  throw new RunFailedError(failureMessage(summary), summary);
}
