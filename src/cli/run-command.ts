import { mkdir, rm } from "node:fs/promises";
import { join, relative } from "node:path";
import type { Op } from "../core/history.js";
import type { SuiteOutcome } from "../core/run.js";
import { exitCodeFor } from "../core/result.js";
import { startEnvironment } from "../environments/start.js";
import { markBrokerLogs, saveBrokerLogs } from "../brokers/local/broker-logs.js";
import { redact } from "../environments/url.js";
import { historyMetrics } from "../report/index.js";
import { writeRepro } from "../runner/repro.js";
import { runSuite } from "../runner/run-suite.js";
import { SUITES, suiteByName } from "../../suites/index.js";
import { parseFaults, positiveInt, seedOption, shellQuote } from "./options.js";
import { publish, summarize } from "./output.js";
import { ProgressLine } from "./progress.js";
import { makeReportDir, newRunId } from "./report-dir.js";
import { onShutdown } from "./shutdown.js";

export interface RunCommandOptions {
  broker: string;
  seed?: string;
  runs?: string;
  out: string;
  json?: boolean;
  progress?: boolean;
  faults?: string;
  shrinkBudget?: string;
}

export const DEFAULT_RUNS = 25;

/** `gauntlet run [suite...]`: property-run suites against a broker and write a report. */
export async function runCommand(suiteNames: string[], options: RunCommandOptions): Promise<number> {
  const suites = suiteNames.length ? suiteNames.map(suiteByName) : [...SUITES];
  const runs = positiveInt("--runs", options.runs, DEFAULT_RUNS);
  const seed = seedOption(options.seed);
  const broker = redact(options.broker);
  const faults = parseFaults(options.faults);
  // Shrinking on a real broker costs real time per run; the embedded broker shrinks to the end.
  const shrinkBudget = positiveInt("--shrink-budget", options.shrinkBudget, options.broker.startsWith("memory:") ? 86_400 : 60, 86_400);
  const logMarks = await markBrokerLogs(options.broker);
  const env = await startEnvironment(options.broker, { faults });
  const release = onShutdown(() => env.stop());
  const startedAt = new Date().toISOString();
  const runId = newRunId();
  const reportDir = await makeReportDir(options.out, runId);
  const liveDir = join(reportDir, "live");
  await mkdir(liveDir, { recursive: true });
  const progress = new ProgressLine(options.progress !== false);
  const outcomes: SuiteOutcome[] = [];
  const histories: Op[][] = [];
  try {
    for (const suite of suites) {
      const { outcome, representative } = await runSuite(suite, {
        env,
        runs,
        seed,
        livePath: join(liveDir, `${suite.name}.jsonl`),
        onProgress: (p) => progress.update(p),
        faults,
        shrinkBudgetMs: shrinkBudget * 1000,
      });
      progress.done();
      if (representative) {
        histories.push(representative.ops);
        outcome.metrics = historyMetrics(representative.ops);
      }
      if (outcome.counterexample) {
        const file = `repro-${suite.name}.json`;
        await writeRepro(join(reportDir, file), {
          gauntlet: "repro",
          version: 1,
          suite: suite.name,
          broker,
          seed,
          path: outcome.path,
          anomalies: Object.keys(representative?.result.anomalies ?? {}),
          scenario: outcome.counterexample,
        });
        outcome.reproFile = file;
        outcome.replayCommand = `npx gauntlet replay ${shellQuote(relative(process.cwd(), join(reportDir, file)))}`;
      }
      outcomes.push(outcome);
    }
  } finally {
    progress.done();
    await rm(liveDir, { recursive: true, force: true });
    await env.stop();
    release();
  }
  const rerun = ["npx gauntlet run", ...suites.map((s) => s.name), "--broker", shellQuote(broker), "--seed", String(seed), "--runs", String(runs), ...(faults.length ? ["--faults", faults.join(",")] : [])].join(" ");
  const brokerLogs = await saveBrokerLogs(logMarks, reportDir);
  const summary = summarize({ runId, command: rerun, startedAt, broker, seed, suites: outcomes, reportDir, ...(brokerLogs.length ? { brokerLogs } : {}) });
  await publish(summary, histories, options.json === true);
  return exitCodeFor(summary.verdict);
}
