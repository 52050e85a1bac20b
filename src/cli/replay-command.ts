import type { SuiteOutcome } from "../core/run.js";
import { exitCodeFor } from "../core/result.js";
import { startEnvironment } from "../environments/start.js";
import { markBrokerLogs, saveBrokerLogs } from "../brokers/local/broker-logs.js";
import { redact } from "../environments/url.js";
import { historyMetrics } from "../report/index.js";
import { readRepro, reproKind } from "../runner/repro.js";
import { type ScenarioRun, runScenario } from "../runner/run-scenario.js";
import { suiteByName } from "../../suites/index.js";
import { replayCertifyCommand } from "./certify-command.js";
import { positiveInt, shellQuote } from "./options.js";
import { publish, summarize } from "./output.js";
import { makeReportDir, newRunId } from "./report-dir.js";
import { onShutdown } from "./shutdown.js";

export interface ReplayCommandOptions {
  broker?: string;
  times?: string;
  out: string;
  json?: boolean;
}

/**
 * `gauntlet replay FILE`: re-run a repro file's scenario (N times with --times) and report how
 * often it reproduces; on the embedded broker every replay is identical. Certify repros go to
 * replayCertifyCommand.
 */
export async function replayCommand(file: string, options: ReplayCommandOptions): Promise<number> {
  if ((await reproKind(file)) === "certify") return replayCertifyCommand(file, options);
  const repro = await readRepro(file);
  const suite = suiteByName(repro.suite);
  const times = positiveInt("--times", options.times, 1, 10_000);
  const brokerUrl = options.broker ?? repro.broker;
  // A repro with fault windows needs an environment that can inject those faults again.
  const faults = [...new Set((repro.scenario.faults ?? []).map((f) => f.name))];
  const logMarks = await markBrokerLogs(brokerUrl);
  const env = await startEnvironment(brokerUrl, { faults });
  const release = onShutdown(() => env.stop());
  const startedAt = new Date().toISOString();
  const started = Date.now();
  let failures = 0;
  let unknowns = 0;
  let kept: ScenarioRun | undefined;
  try {
    for (let i = 0; i < times; i++) {
      const run = await runScenario(repro.scenario, { env, checkers: suite.checkers, claims: suite.claims, runId: suite.name });
      if (run.result.valid === false) failures += 1;
      if (run.result.valid === "unknown") unknowns += 1;
      if (!kept || (run.result.valid === false && kept.result.valid !== false)) kept = run;
    }
  } finally {
    await env.stop();
    release();
  }
  const runId = newRunId();
  const reportDir = await makeReportDir(options.out, runId);
  const verdict = failures > 0 ? false : unknowns > 0 ? "unknown" : true;
  const outcome: SuiteOutcome = {
    suite: suite.name,
    description: `replay of ${file}: reproduced ${failures}/${times}`,
    verdict,
    results: kept?.result.results ?? {},
    runs: times,
    requestedRuns: times,
    seed: repro.seed,
    historyRun: suite.name,
    counterexample: repro.scenario,
    replayCommand: `npx gauntlet replay ${shellQuote(file)}`,
    wallMs: Date.now() - started,
    metrics: kept ? historyMetrics(kept.ops) : undefined,
  };
  if (verdict === "unknown" && kept?.result.error) outcome.error = kept.result.error;
  const broker = redact(brokerUrl);
  const command = `npx gauntlet replay ${shellQuote(file)}${options.broker ? ` --broker ${shellQuote(broker)}` : ""} --times ${times}`;
  const brokerLogs = await saveBrokerLogs(logMarks, reportDir);
  const summary = summarize({ runId, command, startedAt, broker, seed: repro.seed, suites: [outcome], reportDir, ...(brokerLogs.length ? { brokerLogs } : {}) });
  if (!options.json) process.stdout.write(`replay: reproduced ${failures} of ${times} run${times === 1 ? "" : "s"}${unknowns ? ` (${unknowns} unknown)` : ""}\n`);
  await publish(summary, kept ? [kept.ops] : [], options.json === true);
  return exitCodeFor(summary.verdict);
}
