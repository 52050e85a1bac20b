import type { StartedEnvironment } from "../core/driver.js";
import type { Op } from "../core/history.js";
import type { StartedBlobStore } from "../core/blob-store.js";
import type { SuiteOutcome } from "../core/run.js";
import { historyMetrics } from "../report/metrics.js";
import { shellQuote } from "../report/shell-quote.js";
import { type ScenarioRun, runScenario } from "../runner/run-scenario.js";
import type { ResolvedTest } from "./check-test.js";

/**
 * Re-run a saved scenario `times` times and report how often it reproduces; the kept history is
 * the first failing run (else the last). On the embedded broker every replay is identical.
 */
export async function replaySuite(t: ResolvedTest, env: StartedEnvironment, store?: StartedBlobStore): Promise<{ outcome: SuiteOutcome; ops?: Op[] }> {
  const replay = t.replay!;
  const suite = t.suites[0]!;
  const started = Date.now();
  let failures = 0;
  let unknowns = 0;
  let kept: ScenarioRun | undefined;
  for (let i = 0; i < replay.times; i++) {
    const run = await runScenario(replay.scenario, { env, checkers: suite.checkers, claims: suite.claims, runId: suite.name, ...(store ? { store } : {}) });
    if (run.result.valid === false) failures += 1;
    if (run.result.valid === "unknown") unknowns += 1;
    if (!kept || (run.result.valid === false && kept.result.valid !== false)) kept = run;
  }
  const verdict = failures > 0 ? false : unknowns > 0 ? "unknown" : true;
  const file = replay.file ?? "REPRO.json";
  const outcome: SuiteOutcome = {
    suite: suite.name,
    description: `replay of ${file}: reproduced ${failures}/${replay.times}`,
    verdict,
    results: kept?.result.results ?? {},
    runs: replay.times,
    requestedRuns: replay.times,
    seed: replay.seed,
    historyRun: suite.name,
    counterexample: replay.scenario,
    replayCommand: `npx gauntlet replay ${shellQuote(file)}`,
    wallMs: Date.now() - started,
    metrics: kept ? historyMetrics(kept.ops) : undefined,
    replayed: { times: replay.times, failures, unknowns },
  };
  if (verdict === "unknown" && kept?.result.error) outcome.error = kept.result.error;
  return { outcome, ...(kept ? { ops: kept.ops } : {}) };
}
