import fc from "fast-check";
import { isDeepStrictEqual } from "node:util";
import type { StartedEnvironment } from "../core/driver.js";
import { missingCapabilities } from "../core/capabilities.js";
import type { SuiteOutcome } from "../core/run.js";
import type { Suite } from "../core/suite.js";
import type { FaultName } from "../core/faults.js";
import { faultScheduleArbitrary } from "../workload/fault-schedule-arbitrary.js";
import { describeError } from "../core/errors.js";
import type { StartedBlobStore } from "../core/blob-store.js";
import { type ScenarioRun, runScenario } from "./run-scenario.js";

/** Progress of a suite's property runs, for the CLI's progress line. */
export interface SuiteProgress {
  suite: string;
  run: number;
  runs: number;
  /** Runs executed while shrinking a failure. */
  shrinks: number;
  failed: boolean;
}

export interface RunSuiteOptions {
  env: StartedEnvironment;
  runs: number;
  seed: number;
  /** Live history file for the run in progress. */
  livePath?: string;
  onProgress?: (progress: SuiteProgress) => void;
  /** Stop shrinking this long after the first failure (real brokers: every run costs real time). */
  shrinkBudgetMs?: number;
  /** Faults to generate windows of (`--faults`); the environment must offer them (env.faults). */
  faults?: readonly FaultName[];
  /** The blob store a suite with `needsStore` uploads payloads to (started by the caller). */
  store?: StartedBlobStore;
}

/** A suite's outcome plus the run whose history represents it. */
export interface SuiteRun {
  outcome: SuiteOutcome;
  representative?: ScenarioRun;
}

/**
 * Property-run a suite: fast-check generates scenarios from the seed, each runs against a fresh
 * driver and is checked; on a failure fast-check shrinks it to a minimal scenario. The
 * representative run is the minimal failure, else an "unknown" run, else the last run.
 */
export async function runSuite(suite: Suite, options: RunSuiteOptions): Promise<SuiteRun> {
  const started = Date.now();
  const base = { suite: suite.name, description: suite.description, requestedRuns: options.runs, seed: options.seed, historyRun: suite.name };
  let capabilities;
  try {
    const probe = await options.env.connect({ seed: 0, runId: `${suite.name}-probe` });
    capabilities = probe.capabilities;
    await probe.close();
  } catch (error) {
    const message = `cannot connect to the broker: ${describeError(error)}`;
    return { outcome: { ...base, verdict: "unknown", results: {}, runs: 0, wallMs: Date.now() - started, error: message } };
  }
  if (suite.needsStore && !options.store) {
    const error = "needs a blob store: run it through run() or gauntlet run, which start one (--store azurite|file|file:DIR), or pass options.store";
    return { outcome: { ...base, verdict: "unknown", results: {}, runs: 0, wallMs: Date.now() - started, error } };
  }
  if (suite.needsFaults && !options.faults?.length) {
    const reason = "needs network faults between clients and the broker: add --faults (e.g. --faults reset-peer)";
    return { outcome: { ...base, verdict: true, notApplicable: reason, results: {}, runs: 0, wallMs: Date.now() - started } };
  }
  const missing = missingCapabilities(suite.requires, capabilities);
  if (missing.length > 0) {
    const reason = `broker lacks ${missing.join(", ")}`;
    return { outcome: { ...base, verdict: true, notApplicable: reason, results: {}, runs: 0, wallMs: Date.now() - started } };
  }

  let executed = 0;
  let lastRun: ScenarioRun | undefined;
  let lastFailing: ScenarioRun | undefined;
  let lastUnknown: ScenarioRun | undefined;
  // The fault schedule is a second, independent arbitrary, so it shrinks alongside the workload.
  const faultNames = (options.faults ?? []).filter((n) => options.env.faults?.available.includes(n));
  const scenarios = faultNames.length
    ? fc.tuple(suite.scenarios(capabilities), faultScheduleArbitrary({ names: faultNames, ...suite.faultSchedule })).map(([s, faults]) => ({ ...s, faults }))
    : suite.scenarios(capabilities);
  let firstFailureAt: number | undefined;
  let shrinkStopped = false;
  const property = fc.asyncProperty(scenarios, async (scenario) => {
    // Past the budget, further shrink candidates are not run: the smallest failure so far stands.
    if (firstFailureAt !== undefined && Date.now() - firstFailureAt > (options.shrinkBudgetMs ?? Infinity)) {
      shrinkStopped = true;
      return true;
    }
    const run = await runScenario(scenario, {
      env: options.env,
      checkers: suite.checkers,
      claims: suite.claims,
      runId: suite.name,
      livePath: options.livePath,
      ...(options.store ? { store: options.store } : {}),
    });
    executed += 1;
    lastRun = run;
    if (run.result.valid === false) {
      lastFailing = run;
      firstFailureAt ??= Date.now();
    }
    if (run.result.valid === "unknown") lastUnknown = run;
    options.onProgress?.({
      suite: suite.name,
      run: Math.min(executed, options.runs),
      runs: options.runs,
      shrinks: Math.max(0, executed - options.runs),
      failed: lastFailing !== undefined,
    });
    return run.result.valid !== false;
  });
  const details = await fc.check(property, { seed: options.seed, numRuns: options.runs });

  let representative = lastFailing ?? lastUnknown ?? lastRun;
  const counterexample = details.failed ? details.counterexample?.[0] : undefined;
  if (counterexample && !isDeepStrictEqual(representative?.scenario, counterexample)) {
    // Keep the history of the exact minimal scenario fast-check reports.
    representative = await runScenario(counterexample, { env: options.env, checkers: suite.checkers, claims: suite.claims, runId: suite.name, ...(options.store ? { store: options.store } : {}) });
  }
  const propertyError = details.failed && !counterexample ? describeError(details.errorInstance) : undefined;
  const verdict = details.failed ? (counterexample ? false : "unknown") : lastUnknown ? "unknown" : true;
  const outcome: SuiteOutcome = {
    ...base,
    verdict,
    results: representative?.result.results ?? {},
    runs: executed,
    path: details.counterexamplePath ?? undefined,
    counterexample,
    wallMs: Date.now() - started,
  };
  const error = propertyError ?? (verdict === "unknown" ? representative?.result.error : undefined);
  if (error) outcome.error = error;
  const noted = suite.noteFrom ? representative?.result.results[suite.noteFrom]?.reason : undefined;
  if (noted) outcome.note = `${noted} (in the run kept for the report)`;
  if (shrinkStopped) outcome.note = `shrinking stopped after the ${Math.round((options.shrinkBudgetMs ?? 0) / 1000)} s budget (--shrink-budget): the counterexample is the smallest found by then`;
  return { outcome, representative };
}
