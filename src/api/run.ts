import { mkdir, rm } from "node:fs/promises";
import { join, relative } from "node:path";
import type { StartedEnvironment } from "../core/driver.js";
import type { Op } from "../core/history.js";
import type { EntitySpec } from "../core/entities.js";
import { UsageError } from "../core/errors.js";
import type { PlanRunInfo, RunSummary, SuiteOutcome } from "../core/run.js";
import type { SetupValue } from "../core/setup.js";
import type { PlanInput } from "../plans/index.js";
import { isPlan, planTest } from "./plan-test.js";
import type { Test } from "../core/test.js";
import { markBrokerLogs, saveBrokerLogs } from "../brokers/local/broker-logs.js";
import { redact } from "../environments/url.js";
import { startEnvironment } from "../environments/start.js";
import { startBlobStore } from "../environments/blob-store/start-store.js";
import type { StartedBlobStore } from "../core/blob-store.js";
import { historyMetrics } from "../report/metrics.js";
import { publishRun, summarize } from "../report/publish.js";
import { makeReportDir, newRunId } from "../report/report-dir.js";
import { shellQuote } from "../report/shell-quote.js";
import { settingMismatches } from "../runner/read-back.js";
import { writeRepro } from "../runner/repro.js";
import { type SuiteProgress, runSuite } from "../runner/run-suite.js";
import { type ResolvedTest, resolveTest } from "./check-test.js";
import { replaySuite } from "./replay-suite.js";
import { SUITES } from "../suites/index.js";

/** What a caller may watch or hook while a test runs; none of it changes the outcome. */
export interface RunHooks {
  onProgress?(progress: SuiteProgress): void;
  /** A suite finished (the CLI ends its progress line here). */
  onSuiteDone?(outcome: SuiteOutcome): void;
  /**
   * Register what must happen if the process is interrupted (the CLI wires it to SIGINT/SIGTERM):
   * stop the broker environment and publish a results.json marked interrupted with the verdict so
   * far. Returns a function that unregisters it.
   */
  onInterrupt?(cleanup: (signal: string) => Promise<void>): () => void;
}

/** A suite's outcome with the history that represents it. */
interface Published {
  outcome: SuiteOutcome;
  ops?: Op[];
}

/**
 * Run a test (suites property-run against its broker, or a saved scenario replayed) and write
 * every artefact — history.jsonl, results.json, junit.xml, report.html, repro files — through one
 * publisher. Returns results.json's summary; never prints. Bad input throws UsageError (exit 3),
 * an unreachable broker InfrastructureError (exit 4), before anything is written.
 */
export async function run(test: Test | PlanInput, hooks: RunHooks = {}): Promise<RunSummary> {
  if (isPlan(test)) {
    const { t, info, command } = planTest(test);
    return runResolved(t, hooks, { command, plan: info });
  }
  return runResolved(resolveTest(test as Test), hooks);
}

/**
 * Before a run on existing entities: every receivable address must exist and be empty (peeked,
 * nothing received), or the run is refused (exit 3) — Gauntlet would otherwise consume, and
 * judge, messages that are not its own.
 */
async function checkExistingEmpty(env: StartedEnvironment, entities: readonly EntitySpec[], ids: { seed: number; runId: string }): Promise<void> {
  const driver = await env.connect(ids);
  try {
    if (!driver.countExisting) throw new UsageError(`--use-existing: the ${driver.family} driver cannot test existing entities yet`, "drop useExisting and --use-existing: Gauntlet creates the plan's entities");
    const counts = await driver.countExisting(entities).catch((err: Error) => {
      throw new UsageError(`--use-existing: ${err.message}`, "create the entity first, or correct its name in the plan");
    });
    const held = Object.entries(counts).filter(([, n]) => n > 0);
    if (held.length) throw new UsageError(`--use-existing: refusing to start: ${held.map(([a, n]) => `${a} holds ${n}${driver.existingCounts === "at-least" && n >= 100 ? "+" : ""} message${n === 1 ? "" : "s"}`).join(", ")}`, "empty the entity first: Gauntlet runs only on empty existing entities, so it never consumes or judges messages that are not its own");
  } finally {
    await driver.close();
  }
}

/**
 * Before a plan's runs: create its entities once, read back what the broker gave them, and refuse
 * (exit 3) a declared setting the broker ignored or changed. A bad-input exit, not an
 * infrastructure one: the broker is up and answering, and rerunning cannot help — the plan
 * declares a configuration this broker does not apply (a policy or broker default overrides it,
 * or the broker caps it), so either the plan or the broker's configuration must change.
 */
async function checkSettingsKept(env: StartedEnvironment, entities: readonly EntitySpec[], ids: { seed: number; runId: string }): Promise<void> {
  const driver = await env.connect(ids);
  try {
    if (!driver.describe) return;
    await driver.provision(entities);
    const changed = settingMismatches(entities, await driver.describe());
    if (changed.length) throw new UsageError(`the broker did not keep the plan's settings: ${changed.join("; ")}`, "declare what the broker applies, or change the broker's configuration (policies, broker defaults, limits) so it keeps the declared setting");
  } finally {
    await driver.close();
  }
}

/** What a plan run adds to results.json: its own rerun command and what it validated. */
export interface RunExtras {
  command?: string;
  plan?: PlanRunInfo;
}

/** Run a test whose names and defaults are resolved (run() and runPlan()). */
export async function runResolved(t: ResolvedTest, hooks: RunHooks = {}, extras: RunExtras = {}): Promise<RunSummary> {
  const broker = redact(t.broker);
  const faults = t.replay ? [...new Set((t.replay.scenario.faults ?? []).map((f) => f.name))] : t.faults;
  const logMarks = await markBrokerLogs(t.broker);
  const env = await startEnvironment(t.broker, { faults });
  // Claim-check suites (and their replays) upload to a blob store Gauntlet starts for the run.
  const needsStore = t.suites.some((s) => s.needsStore) || t.replay?.scenario.claimCheck !== undefined;
  let store: StartedBlobStore | undefined;
  try {
    store = needsStore ? await startBlobStore(t.store) : undefined;
  } catch (err) {
    await env.stop();
    throw err;
  }
  const startedAt = new Date().toISOString();
  const runId = newRunId();
  const published: Published[] = [];
  let reportDir: string | undefined;
  const finish = async (interrupted?: string): Promise<RunSummary> => {
    const dir = reportDir ?? (await makeReportDir(t.out, runId));
    const brokerLogs = await saveBrokerLogs(logMarks, dir);
    const plan = extras.plan ? { plan: { ...extras.plan, ...validatedConfiguration(published) } } : {};
    const summary = summarize({ runId, command: extras.command ?? rerunCommand(t, broker), ...plan, startedAt, broker, seed: t.seed, suites: published.map((p) => p.outcome), reportDir: dir, ...(brokerLogs.length ? { brokerLogs } : {}), ...(interrupted ? { interrupted } : {}) });
    await publishRun(summary, published.flatMap((p) => (p.ops ? [p.ops] : [])));
    return summary;
  };
  const unregister = hooks.onInterrupt?.(async (signal) => {
    await store?.stop();
    await env.stop();
    await finish(signal);
  });
  try {
    if (t.existing) await checkExistingEmpty(env, t.existing, { seed: t.seed, runId });
    if (t.planEntities) await checkSettingsKept(env, t.planEntities, { seed: t.seed, runId });
    reportDir = await makeReportDir(t.out, runId);
    if (t.replay) published.push(await replaySuite(t, env, store));
    else await propertyRuns(t, env, reportDir, broker, published, hooks, store);
  } finally {
    if (reportDir) await rm(join(reportDir, "live"), { recursive: true, force: true });
    await store?.stop();
    await env.stop();
    unregister?.();
  }
  return finish();
}

async function propertyRuns(t: ResolvedTest, env: StartedEnvironment, reportDir: string, broker: string, published: Published[], hooks: RunHooks, store?: StartedBlobStore): Promise<void> {
  const liveDir = join(reportDir, "live");
  await mkdir(liveDir, { recursive: true });
  for (const suite of t.suites) {
    const { outcome, representative } = await runSuite(suite, {
      env,
      runs: t.runs,
      seed: t.seed,
      livePath: join(liveDir, `${suite.name}.jsonl`),
      ...(hooks.onProgress ? { onProgress: hooks.onProgress } : {}),
      faults: t.faults,
      shrinkBudgetMs: t.shrinkBudgetSeconds * 1000,
      ...(store ? { store } : {}),
    });
    if (representative) outcome.metrics = historyMetrics(representative.ops);
    if (outcome.counterexample) {
      const file = `repro-${suite.name}.json`;
      await writeRepro(join(reportDir, file), {
        gauntlet: "repro",
        version: 1,
        suite: suite.name,
        broker,
        seed: t.seed,
        path: outcome.path,
        anomalies: Object.keys(representative?.result.anomalies ?? {}),
        scenario: outcome.counterexample,
        ...(SUITES.includes(suite) ? {} : { checkers: suite.checkers.map((c) => c.name), claims: suite.claims }),
      });
      outcome.reproFile = file;
      outcome.replayCommand = `npx gauntlet replay ${shellQuote(relative(process.cwd(), join(reportDir, file)))}`;
    }
    hooks.onSuiteDone?.(outcome);
    published.push({ outcome, ...(representative ? { ops: representative.ops } : {}) });
  }
}

/** The settings read back in the first recorded setup (Driver.describe), for a plan's report. */
function validatedConfiguration(published: Published[]): { validatedConfiguration?: Record<string, Record<string, unknown>> } {
  for (const p of published) {
    const setup = p.ops?.find((o) => o.f === "setup" && o.type === "ok");
    const described = (setup?.value as SetupValue | undefined)?.described;
    if (described) return { validatedConfiguration: described };
  }
  return {};
}

/** The command that runs this test again, as results.json's `command`. */
function rerunCommand(t: ResolvedTest, broker: string): string {
  if (t.replay) {
    const file = t.replay.file ?? "REPRO.json";
    const sameBroker = t.replay.broker === undefined || redact(t.replay.broker) === broker;
    const store = t.replay.scenario.claimCheck && t.store !== "azurite" ? ` --store ${shellQuote(t.store)}` : "";
    return `npx gauntlet replay ${shellQuote(file)}${sameBroker ? "" : ` --broker ${shellQuote(broker)}`} --times ${t.replay.times}${store}`;
  }
  return ["npx gauntlet run", ...t.suites.map((s) => s.name), "--broker", shellQuote(broker), "--seed", String(t.seed), "--runs", String(t.runs), ...(t.faults.length ? ["--faults", t.faults.join(",")] : []), ...(t.store !== "azurite" && t.suites.some((s) => s.needsStore) ? ["--store", shellQuote(t.store)] : [])].join(" ");
}
