/** The run API: a test (plain data) in, every artefact written, the summary out. */
export { run, type RunHooks } from "./run.js";
export { assertRun, failureMessage, RunFailedError } from "./assert.js";
export { resolveTest, type ResolvedTest } from "./check-test.js";
export { readReplayTest } from "./replay-test.js";
export { assertPlan, runPlan } from "./run-plan.js";
export { isPlan, planTest, PLAN_DEFAULT_RUNS, type PlanRunOptions } from "./plan-test.js";
