import { exitCodeFor } from "../core/result.js";
import { readReplayTest } from "../api/replay-test.js";
import { run } from "../api/run.js";
import { reproKind } from "../runner/repro.js";
import { replayCertifyCommand } from "./certify-command.js";
import { positiveInt } from "./options.js";
import { printSummary } from "./output.js";
import { onShutdown } from "./shutdown.js";

export interface ReplayCommandOptions {
  broker?: string;
  times?: string;
  out: string;
  json?: boolean;
  store?: string;
}

/**
 * `gauntlet replay FILE`: the test that re-runs a repro file's scenario (N times with --times),
 * run like any other; certify repros go to replayCertifyCommand.
 */
export async function replayCommand(file: string, options: ReplayCommandOptions): Promise<number> {
  if ((await reproKind(file)) === "certify") return replayCertifyCommand(file, options);
  const times = positiveInt("--times", options.times, 1, 10_000);
  const test = await readReplayTest(file, { times, out: options.out, ...(options.broker ? { broker: options.broker } : {}), ...(options.store ? { store: options.store } : {}) });
  const summary = await run(test, { onInterrupt: (cleanup) => onShutdown(cleanup) });
  const r = summary.suites[0]?.replayed;
  if (!options.json && r) process.stdout.write(`replay: reproduced ${r.failures} of ${r.times} run${r.times === 1 ? "" : "s"}${r.unknowns ? ` (${r.unknowns} unknown)` : ""}\n`);
  printSummary(summary, options.json === true);
  return exitCodeFor(summary.verdict);
}
