/**
 * Scenarios per minute per suite on one broker, and where each scenario's time goes. Scenarios
 * come from each suite's own generator (the seed's first N, no shrinking) and run one after
 * another through runScenario, as `gauntlet run` does; the split comes from each history's op
 * times (the driver's clock: virtual on memory://, so only the wall figures are real there).
 * Prints figures, asserts nothing.
 *   npx tsc -p tsconfig.json && node dist/scripts/bench-suites.js [--broker URL] [--runs N] [--seed N] [--json] [suite...]
 */
import fc from "fast-check";
import { performance } from "node:perf_hooks";
import type { Op, ReceiveValue } from "../src/index.js";
import { startEnvironment, suiteByName, SUITES } from "../src/index.js";
import { runScenario } from "../src/runner/run-scenario.js";
import { scrub, trapBackgroundErrors } from "./background-errors.js";
import { takeOption } from "./cli-args.js";

/** Mean seconds per scenario, by phase. */
export interface SuiteSplit {
  suite: string;
  runs: number;
  verdicts: string;
  perMinute: number;
  wallS: number;
  /** Connecting a driver, closing it, checking: wall time outside the history. */
  connectCloseCheckS: number;
  /** The setup op: creating queues, topics, subscriptions. */
  setupS: number;
  /** Setup done → the first receive with a delivery: client open, group join, first fetch. */
  firstDeliveryS: number;
  /** Setup done → the drain: producers and consumers, scheduled delays and handling times included. */
  workloadS: number;
  /** Of the workload: after the last send completed and the last delivery arrived, before the drain (idle receives, client close). */
  idleTailS: number;
  /** The final drain of every entity and DLQ. */
  drainS: number;
  /** Empty receives per scenario, and their mean duration. */
  emptyReceives: number;
  emptyReceiveMs: number;
  /** Why the suite stopped early: a scenario threw, or a client library raised an error nobody awaited. Figures are over the runs before it. */
  error?: string;
}

const S = 1e9;

function split(ops: readonly Op[]): Omit<SuiteSplit, "suite" | "runs" | "verdicts" | "perMinute" | "wallS" | "connectCloseCheckS"> & { spanS: number } {
  let setupEnd = 0;
  let firstDrain = Infinity;
  let lastDrain = 0;
  let lastUseful = 0;
  let firstDelivery = Infinity;
  let empty = 0;
  let emptyNs = 0;
  const invoked = new Map<string, number>();
  for (const op of ops) {
    if (op.type === "invoke") {
      invoked.set(op.process, op.time);
      if (op.f === "drain") firstDrain = Math.min(firstDrain, op.time);
      continue;
    }
    if (op.f === "setup") setupEnd = op.time;
    else if (op.f === "drain") lastDrain = op.time;
    else if (op.f === "send") lastUseful = Math.max(lastUseful, op.time);
    else if (op.f === "receive") {
      const n = (op.value as ReceiveValue | undefined)?.deliveries?.length ?? 0;
      if (n > 0) {
        lastUseful = Math.max(lastUseful, op.time);
        firstDelivery = Math.min(firstDelivery, op.time);
      } else {
        empty += 1;
        emptyNs += op.time - (invoked.get(op.process) ?? op.time);
      }
    } else if (op.f === "settle") lastUseful = Math.max(lastUseful, op.time);
  }
  const end = ops.at(-1)?.time ?? 0;
  if (firstDrain === Infinity) firstDrain = end;
  return {
    spanS: end / S,
    setupS: setupEnd / S,
    firstDeliveryS: firstDelivery === Infinity ? 0 : (firstDelivery - setupEnd) / S,
    workloadS: (firstDrain - setupEnd) / S,
    idleTailS: Math.max(0, firstDrain - Math.max(lastUseful, setupEnd)) / S,
    drainS: (lastDrain - Math.min(firstDrain, lastDrain)) / S,
    emptyReceives: empty,
    emptyReceiveMs: empty ? emptyNs / empty / 1e6 : 0,
  };
}

/** Run `runs` scenarios of each suite on `broker`. */
export async function suiteSplits(broker: string, suites: readonly string[], runs: number, seed: number, onSuite?: (s: SuiteSplit) => void): Promise<SuiteSplit[]> {
  const env = await startEnvironment(broker);
  const out: SuiteSplit[] = [];
  const background = trapBackgroundErrors();
  try {
    for (const name of suites) {
      const suite = suiteByName(name);
      let capabilities: Awaited<ReturnType<typeof env.connect>>["capabilities"];
      try {
        const probe = await env.connect({ seed: 0, runId: `${name}-probe` });
        capabilities = probe.capabilities;
        await probe.close();
      } catch (err) {
        const row = { suite: name, runs: 0, verdicts: "", perMinute: 0, wallS: 0, connectCloseCheckS: 0, setupS: 0, firstDeliveryS: 0, workloadS: 0, idleTailS: 0, drainS: 0, emptyReceives: 0, emptyReceiveMs: 0, error: `connecting failed: ${scrub(err instanceof Error ? err.message : String(err))}` };
        out.push(row);
        onSuite?.(row);
        continue;
      }
      if (suite.needsStore || suite.needsFaults || suite.requires.some((c) => !capabilities.has(c))) continue;
      const scenarios = fc.sample(suite.scenarios(capabilities), { seed, numRuns: runs });
      const sum = { wallS: 0, connectCloseCheckS: 0, setupS: 0, firstDeliveryS: 0, workloadS: 0, idleTailS: 0, drainS: 0, emptyReceives: 0, emptyReceiveMs: 0 };
      const verdicts = new Map<string, number>();
      const t0 = performance.now();
      let done = 0;
      let error: string | undefined;
      for (const scenario of scenarios) {
        const w0 = performance.now();
        let run: Awaited<ReturnType<typeof runScenario>> | undefined;
        try {
          run = await runScenario(scenario, { env, checkers: suite.checkers, claims: suite.claims, runId: name });
        } catch (err) {
          error = `scenario ${done + 1} failed: ${scrub(err instanceof Error ? err.message : String(err))}`;
        }
        const escaped = background.take();
        if (escaped.length) error = [error, `while scenario ${done + 1} ran (or before it): ${escaped.join("; ")}`].filter(Boolean).join("; ");
        // A client that raised in the background may be broken: the suite stops, the bench goes on.
        if (error || !run) break;
        done += 1;
        const wallS = (performance.now() - w0) / 1000;
        const s = split(run.ops);
        sum.wallS += wallS;
        sum.connectCloseCheckS += Math.max(0, wallS - s.spanS);
        for (const k of ["setupS", "firstDeliveryS", "workloadS", "idleTailS", "drainS", "emptyReceives", "emptyReceiveMs"] as const) sum[k] += s[k];
        const v = String(run.result.valid);
        verdicts.set(v, (verdicts.get(v) ?? 0) + 1);
      }
      const n = done;
      const minutes = (performance.now() - t0) / 60_000;
      const row: SuiteSplit = { suite: name, runs: n, verdicts: [...verdicts].map(([v, k]) => `${k} ${v}`).join(", "), perMinute: n / minutes, ...Object.fromEntries(Object.entries(sum).map(([k, v]) => [k, n ? v / n : 0])) } as SuiteSplit;
      if (error) row.error = error;
      out.push(row);
      onSuite?.(row);
    }
  } finally {
    await env.stop().finally(() => background.dispose());
  }
  return out;
}

export function formatSplit(s: SuiteSplit): string {
  const f = (x: number) => x.toFixed(2).padStart(6);
  if (s.error && s.runs === 0) return `${s.suite.padEnd(20)} FAILED before a scenario completed: ${s.error}`;
  const failed = s.error ? `\n${"".padEnd(20)} FAILED after ${s.runs} runs (figures above are theirs): ${s.error}` : "";
  return `${s.suite.padEnd(20)} ${String(s.runs).padStart(3)} runs ${s.perMinute.toFixed(1).padStart(7)}/min  wall ${f(s.wallS)} s = connect+close+check ${f(s.connectCloseCheckS)} + setup ${f(s.setupS)} + workload ${f(s.workloadS)} (first delivery after ${f(s.firstDeliveryS)}, idle tail ${f(s.idleTailS)}, ${s.emptyReceives.toFixed(0)} empty receives × ${s.emptyReceiveMs.toFixed(0)} ms) + drain ${f(s.drainS)}  [${s.verdicts}]${failed}`;
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) {
  const args = process.argv.slice(2);
  const opt = (name: string) => takeOption(args, name);
  const json = args.includes("--json");
  if (json) args.splice(args.indexOf("--json"), 1);
  const broker = opt("--broker") ?? "memory://";
  const runs = Number(opt("--runs") ?? 10);
  const seed = Number(opt("--seed") ?? 1);
  const suites = args.length ? args : SUITES.map((s) => s.name);
  if (!json) process.stdout.write(`${broker}: ${runs} scenarios per suite, seed ${seed} (times are means per scenario; on memory:// the split is virtual time)\n`);
  const rows = await suiteSplits(broker, suites, runs, seed, (s) => json || process.stdout.write(`${formatSplit(s)}\n`));
  if (json) process.stdout.write(`${JSON.stringify({ broker, runs, seed, suites: rows }, null, 2)}\n`);
}
