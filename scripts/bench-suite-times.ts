/**
 * Per-scenario wall time of property runs on one broker: for each suite, the median, p90 and
 * max seconds a scenario takes, scenarios per minute and the verdict. Prints figures, asserts nothing.
 *   npx tsc -p tsconfig.json && node dist/scripts/bench-suite-times.js [--broker URL] [--runs N] [--seed N] [suite...]
 */
import { performance } from "node:perf_hooks";
import { runSuite, startEnvironment, suiteByName, SUITES } from "../src/index.js";
import { scrub, trapBackgroundErrors } from "./background-errors.js";
import { takeOption } from "./cli-args.js";

/** Figures for one suite's property runs. */
export interface SuiteTimes {
  suite: string;
  runs: number;
  verdict: string;
  medianS: number;
  p90S: number;
  maxS: number;
  perMinute: number;
}

const quantile = (xs: number[], q: number) => xs[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? 0;

/** Run each suite `runs` times on `broker`, timing every scenario. */
export async function suiteTimes(broker: string, suites: readonly string[], runs: number, seed: number, onSuite?: (t: SuiteTimes) => void): Promise<SuiteTimes[]> {
  const env = await startEnvironment(broker);
  const out: SuiteTimes[] = [];
  const background = trapBackgroundErrors();
  try {
    for (const name of suites) {
      const suite = suiteByName(name);
      const times: number[] = [];
      let last = performance.now();
      const t0 = last;
      let outcome: Awaited<ReturnType<typeof runSuite>>["outcome"];
      try {
        ({ outcome } = await runSuite(suite, {
          env,
          runs,
          seed,
          onProgress: () => {
            const now = performance.now();
            times.push((now - last) / 1000);
            last = now;
          },
        }));
      } catch (err) {
        // One suite failing is a figure of its own; the other suites still run.
        const t: SuiteTimes = { suite: name, runs: 0, verdict: `failed: ${scrub(err instanceof Error ? err.message : String(err))}${[""].concat(background.take()).join("; ")}`, medianS: 0, p90S: 0, maxS: 0, perMinute: 0 };
        out.push(t);
        onSuite?.(t);
        continue;
      }
      const escaped = background.take();
      const minutes = (performance.now() - t0) / 60_000;
      times.sort((a, b) => a - b);
      const t: SuiteTimes = {
        suite: name,
        runs: outcome.runs,
        verdict: escaped.length ? `failed: ${escaped.join("; ")} (verdict of the runs: ${String(outcome.verdict)})` : outcome.notApplicable ? `n/a (${outcome.notApplicable})` : String(outcome.verdict),
        medianS: quantile(times, 0.5),
        p90S: quantile(times, 0.9),
        maxS: times.at(-1) ?? 0,
        perMinute: outcome.runs / minutes,
      };
      out.push(t);
      onSuite?.(t);
    }
  } finally {
    await env.stop().finally(() => background.dispose());
  }
  return out;
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) {
  const args = process.argv.slice(2);
  const opt = (name: string) => takeOption(args, name);
  const broker = opt("--broker") ?? "servicebus-emulator://";
  const runs = Number(opt("--runs") ?? 10);
  const seed = Number(opt("--seed") ?? 1);
  const suites = args.length ? args : SUITES.map((s) => s.name);
  await suiteTimes(broker, suites, runs, seed, (t) => {
    process.stdout.write(`${t.suite.padEnd(20)} ${String(t.runs).padStart(4)} runs  median ${t.medianS.toFixed(2)} s  p90 ${t.p90S.toFixed(2)} s  max ${t.maxS.toFixed(2)} s  ${t.perMinute.toFixed(1)}/min  verdict ${t.verdict}\n`);
  });
}
