import { basename } from "node:path";
import type { Checker } from "../core/checker.js";
import type { ComposedResult } from "../core/result.js";
import { UsageError } from "../core/errors.js";
import { exitCodeFor, mergeVerdicts } from "../core/result.js";
import { compose } from "../checkers/compose.js";
import { CHECKERS, checkerByName } from "../checkers/registry.js";
import { readHistory, splitRuns } from "../history/reader.js";
import { setupOf } from "../history/views.js";
import { formatCheckSummary } from "../report/index.js";
import { useColor } from "./options.js";

export interface CheckCommandOptions {
  json?: boolean;
  checker?: string[];
}

/** What `gauntlet check --json` prints. */
export interface CheckOutput {
  file: string;
  valid: ComposedResult["valid"];
  runs: (ComposedResult & { run: string })[];
}

/**
 * `gauntlet check HISTORY.jsonl`: run the checkers on a recorded (or hand-written) history.
 * Each run in the file is checked with the checkers its setup op names (all by default).
 */
export async function checkCommand(file: string, options: CheckCommandOptions): Promise<number> {
  const ops = await readHistory(file);
  if (ops.length === 0) throw new UsageError(`${file}: the history is empty`, "record one with gauntlet run, or see docs/history-format.md");
  const forced = options.checker?.length ? options.checker.map(lookup) : undefined;
  const runs: CheckOutput["runs"] = [];
  for (const [run, runOps] of splitRuns(ops)) {
    const { setup } = setupOf(runOps);
    const checkers = forced ?? (setup.checkers?.length ? setup.checkers.map(lookup) : Object.values(CHECKERS));
    runs.push({ run: run || basename(file), ...compose(checkers, runOps, { setup }) });
  }
  const output: CheckOutput = { file, valid: mergeVerdicts(runs.map((r) => r.valid)), runs };
  if (options.json) {
    process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
  } else {
    for (const r of runs) process.stdout.write(`${formatCheckSummary(r, { color: useColor(), source: runs.length > 1 ? `${file} (run ${r.run})` : file })}\n`);
  }
  return exitCodeFor(output.valid);
}

function lookup(name: string): Checker {
  return checkerByName(name);
}
