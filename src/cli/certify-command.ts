import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { parseDuration } from "../bench/matrix.js";
import { UsageError } from "../core/errors.js";
import type { CertifyRun } from "../certify/certify.js";
import { DEFAULT_HANDLER_TIMEOUT_MS } from "../certify/handler.js";
import { type IsolatedCertify, certifyIsolated, replayIsolated, withCertifyTempDir } from "../certify/isolation/isolated-certify.js";
import { IN_PROCESS, validateCertifyRepro, writeCertifyRepro } from "../certify/repro.js";
import { resolveHandlerPath } from "../certify/replay.js";
import { deliveryModeOption, semanticsOption } from "../certify/options.js";
import { type CertifyResults, certificateFor, formatCertify, gauntletVersion, writeCertifyReport } from "../certify/report.js";
import { certifyPatternCommand } from "./certify-pattern-command.js";
import { positiveInt, seedOption, shellQuote } from "./options.js";
import { ProgressLine } from "./progress.js";
import { makeReportDir, newRunId } from "../report/report-dir.js";
import { onInterrupt, signalExitCode } from "./shutdown.js";

export interface CertifyCommandOptions {
  runs?: string;
  seed?: string;
  broker?: string;
  semantics?: string;
  timeout?: string;
  out: string;
  json?: boolean;
  progress?: boolean;
  pattern?: string;
  db?: string;
  store?: string;
}

/** Property runs of `gauntlet certify` when --runs is absent. */
export const DEFAULT_CERTIFY_RUNS = 100;

/** --timeout: the real-time limit of each call into the handler. */
export function handlerTimeoutOption(raw: string | undefined): number {
  return parseDuration("--timeout", raw, DEFAULT_HANDLER_TIMEOUT_MS, 100);
}

/**
 * `gauntlet certify HANDLER`: certify a consumer handler idempotent, or show the minimal schedule
 * that breaks it. The handler runs in processes of its own (src/certify/isolation/): what it does
 * to its process becomes an exit-3 verdict naming it. SIGINT/SIGTERM/SIGHUP stop the run at once
 * with a partial report (exit 130/143/129).
 */
export async function certifyCommand(handlerPath: string, options: CertifyCommandOptions): Promise<number> {
  if (options.pattern !== undefined) {
    if (options.broker !== undefined) throw new UsageError("--broker does not apply with --pattern", "leave --broker out: --pattern outbox uses --db, --pattern claim-check uses --store");
    return certifyPatternCommand(handlerPath, { ...options, pattern: options.pattern });
  }
  if (options.db !== undefined || options.store !== undefined) throw new UsageError(`${options.db !== undefined ? "--db" : "--store"} applies only with --pattern`, "add --pattern outbox (for --db) or --pattern claim-check (for --store)");
  const runs = positiveInt("--runs", options.runs, DEFAULT_CERTIFY_RUNS);
  const seed = seedOption(options.seed);
  const semantics = semanticsOption(options.semantics);
  const mode = deliveryModeOption(options.broker);
  const timeoutMs = handlerTimeoutOption(options.timeout);
  const broker = mode === "memory" ? "memory://" : IN_PROCESS;
  const startedAt = new Date().toISOString();
  const started = Date.now();
  const progress = new ProgressLine(options.progress !== false && !options.json);
  const interruption = onInterrupt();
  let outcome: IsolatedCertify;
  try {
    outcome = await withCertifyTempDir((tempDir) =>
      certifyIsolated({
        handlerPath,
        tempDir,
        timeoutMs,
        seed,
        semantics,
        mode,
        runs,
        signal: interruption.signal,
        onProgress: (n, failed) => progress.update({ suite: "certify", run: Math.min(n, runs), runs, shrinks: Math.max(0, n - runs), failed }),
      }),
    );
  } finally {
    progress.done();
    interruption.release();
  }
  const runId = newRunId();
  const reportDir = await makeReportDir(options.out, runId);
  const handlerShown = relative(process.cwd(), outcome.handler?.absolutePath ?? resolve(handlerPath)) || handlerPath;
  const rerun = ["npx gauntlet certify", shellQuote(handlerShown), "--seed", String(seed), "--runs", String(runs), "--semantics", semantics, ...(mode === "memory" ? ["--broker", "memory://"] : []), ...(options.timeout !== undefined ? ["--timeout", shellQuote(options.timeout)] : [])].join(" ");
  const results: CertifyResults = {
    runId,
    command: rerun,
    startedAt,
    finishedAt: new Date().toISOString(),
    verdict: outcome.interrupted ? (outcome.failingCase ? false : "unknown") : outcome.run.certified,
    handler: { path: handlerShown, sha256: outcome.handler?.sha256 ?? (await sha256Of(handlerPath)) },
    semantics,
    broker,
    seed,
    runs: outcome.interrupted ? outcome.executed : outcome.run.runs,
    requestedRuns: runs,
    shrinks: outcome.interrupted ? 0 : outcome.run.shrinks,
    wallMs: Date.now() - started,
    rerunCommand: rerun,
    gauntletVersion: gauntletVersion(),
    node: process.version,
    reportDir,
  };
  if (outcome.interrupted) {
    const signal = interruption.received() ?? "SIGINT";
    const failing = outcome.failingCase;
    results.interrupted = { signal, runsDone: outcome.executed, ...(failing ? { failingCase: { label: failing.label, ...failing.case } } : {}) };
    await writeCertifyReport(results);
    print(results, options.json === true);
    return signalExitCode(signal);
  }
  if (outcome.run.referenceRetries) {
    results.notes = [
      `handle() threw on its own in the reference run of ${outcome.run.referenceRetries} case${outcome.run.referenceRetries === 1 ? "" : "s"} and was redelivered until it succeeded; an effect such a throw loses is lost in the reference too, so it is not judged (let Gauntlet choose the failing delivery with context.transientFailure; see docs/certify.md)`,
    ];
  }
  if (outcome.run.certified) {
    results.certificate = certificateFor(results, mode);
  } else await recordCounterexample(results, outcome.run);
  await writeCertifyReport(results);
  print(results, options.json === true);
  return results.verdict === true ? 0 : 1;
}

async function sha256Of(path: string): Promise<string> {
  try {
    return createHash("sha256").update(await readFile(path)).digest("hex");
  } catch {
    return "";
  }
}

async function recordCounterexample(results: CertifyResults, run: CertifyRun): Promise<void> {
  const c = run.counterexample!;
  const f = run.failure!;
  results.counterexample = { ...c, mechanisms: f.mechanisms, deliveries: f.deliveries, trace: f.trace, expected: f.expected, actual: f.actual, diff: f.diff, ...(f.mistakes ? { mistakes: f.mistakes } : {}) };
  const file = "repro-certify.json";
  await writeCertifyRepro(join(results.reportDir, file), {
    gauntlet: "repro",
    version: 1,
    kind: "certify",
    handler: results.handler.path,
    handlerSha256: results.handler.sha256,
    semantics: results.semantics,
    broker: results.broker,
    seed: results.seed,
    path: run.path,
    mechanisms: f.mechanisms,
    messages: c.messages,
    ...(c.schedule ? { schedule: c.schedule } : { faults: c.faults }),
    expected: f.expected,
    actual: f.actual,
  });
  results.reproFile = file;
  results.replayCommand = `npx gauntlet replay ${shellQuote(relative(process.cwd(), join(results.reportDir, file)))} --times 10`;
}

/** Print the console summary, or results.json with --json. */
export function print(results: CertifyResults, json: boolean): void {
  if (json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  else process.stdout.write(`${formatCertify(results, relative(process.cwd(), results.reportDir) || ".")}\n`);
}

/** Options `gauntlet replay` passes on for a certify repro. */
export interface CertifyReplayOptions {
  broker?: string;
  times?: string;
  timeout?: string;
  out: string;
  json?: boolean;
}

/** `gauntlet replay repro-certify.json [--times N]`: rerun the minimal schedule and report how often it still breaks the handler. */
export async function replayCertifyCommand(file: string, options: CertifyReplayOptions): Promise<number> {
  const repro = validateCertifyRepro(JSON.parse(await readFile(file, "utf8")), file);
  const times = positiveInt("--times", options.times, 1, 10_000);
  if (options.broker !== undefined && deliveryModeOption(options.broker) !== deliveryModeOption(repro.broker)) {
    throw new UsageError(`--broker: this repro was found with deliveries from ${repro.broker} and replays only there`, "leave --broker out");
  }
  const startedAt = new Date().toISOString();
  const started = Date.now();
  const handlerPath = resolveHandlerPath(repro, file);
  const timeoutMs = handlerTimeoutOption(options.timeout);
  const interruption = onInterrupt();
  let replayed: Awaited<ReturnType<typeof replayIsolated>>;
  try {
    replayed = await withCertifyTempDir((tempDir) => replayIsolated({ handlerPath, tempDir, timeoutMs, repro, times, signal: interruption.signal }));
  } finally {
    interruption.release();
  }
  if (replayed.interrupted) return signalExitCode(interruption.received() ?? "SIGINT");
  const handler = replayed.handler;
  const outcome = replayed.result;
  const runId = newRunId();
  const reportDir = await makeReportDir(options.out, runId);
  const shown = outcome.shown;
  const command = `npx gauntlet replay ${shellQuote(file)} --times ${times}`;
  const results: CertifyResults = {
    runId,
    command,
    startedAt,
    finishedAt: new Date().toISOString(),
    verdict: outcome.reproduced === 0,
    handler: { path: relative(process.cwd(), handler.absolutePath) || handlerPath, sha256: handler.sha256 },
    semantics: repro.semantics,
    broker: repro.broker,
    seed: repro.seed,
    runs: times,
    requestedRuns: times,
    shrinks: 0,
    wallMs: Date.now() - started,
    replay: { file, times, reproduced: outcome.reproduced, handlerChanged: repro.handlerSha256 !== undefined && repro.handlerSha256 !== handler.sha256 },
    rerunCommand: command,
    gauntletVersion: gauntletVersion(),
    node: process.version,
    reportDir,
  };
  const c = repro.schedule ? { schedule: repro.schedule } : { faults: repro.faults };
  results.counterexample = { messages: repro.messages, ...c, mechanisms: shown.mechanisms, deliveries: shown.deliveries, trace: shown.trace, expected: shown.expected, actual: shown.actual, diff: shown.diff };
  await writeCertifyReport(results);
  print(results, options.json === true);
  return results.verdict === true ? 0 : 1;
}
