import type { Test } from "../core/test.js";
import { TEST_DEFAULTS } from "../core/test.js";
import { exitCodeFor } from "../core/result.js";
import { run } from "../api/run.js";
import { parseFaults, positiveInt, seedOption } from "./options.js";
import { printSummary } from "./output.js";
import { ProgressLine } from "./progress.js";
import { onShutdown } from "./shutdown.js";

export interface RunCommandOptions {
  broker?: string;
  plan?: string;
  seed?: string;
  runs?: string;
  out: string;
  json?: boolean;
  progress?: boolean;
  faults?: string;
  shrinkBudget?: string;
  store?: string;
  /** --use-existing (with --plan): test the plan's existing entities. */
  useExisting?: boolean;
}

export const DEFAULT_RUNS = TEST_DEFAULTS.runs;

/** argv of `gauntlet run [suite...]` → the test it describes (exit 3 on a bad flag). */
export function testFromArgs(suiteNames: string[], options: RunCommandOptions): Test {
  const shrink = options.shrinkBudget === undefined ? undefined : positiveInt("--shrink-budget", options.shrinkBudget, 60, 86_400);
  return {
    broker: options.broker ?? "memory://",
    suites: suiteNames,
    runs: positiveInt("--runs", options.runs, DEFAULT_RUNS),
    seed: seedOption(options.seed),
    faults: parseFaults(options.faults),
    out: options.out,
    ...(shrink ? { shrinkBudgetSeconds: shrink } : {}),
    ...(options.store !== undefined ? { store: options.store } : {}),
  };
}

/** `gauntlet run [suite...]`: argv → test → run → print → exit code. */
export async function runCommand(suiteNames: string[], options: RunCommandOptions): Promise<number> {
  const test = testFromArgs(suiteNames, options);
  const progress = new ProgressLine(options.progress !== false);
  const summary = await run(test, {
    onProgress: (p) => progress.update(p),
    onSuiteDone: () => progress.done(),
    onInterrupt: (cleanup) => onShutdown(async (signal) => {
      progress.done();
      await cleanup(signal);
    }),
  });
  progress.done();
  printSummary(summary, options.json === true);
  return exitCodeFor(summary.verdict);
}
