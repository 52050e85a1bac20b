import { readFile } from "node:fs/promises";
import { type CellComparison, type Delta, compareRuns } from "../bench/compare.js";
import { benchRunProblem, isBenchRun } from "../bench/report/write.js";
import type { BenchRun } from "../bench/types.js";
import { EXIT, UsageError } from "../core/errors.js";

export interface CompareCommandOptions {
  json?: boolean;
  tolerance?: string;
  failOnRegression?: boolean;
}

async function load(file: string): Promise<BenchRun> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, "utf8"));
  } catch (err) {
    throw new UsageError(`compare: cannot read ${file}: ${(err as Error).message}`, "pass two results.json files written by gauntlet bench");
  }
  if (!isBenchRun(value)) throw new UsageError(`compare: ${file} is not a gauntlet bench results.json`, "pass the results.json from a reports/bench-*/ directory");
  const problem = benchRunProblem(value);
  if (problem) throw new UsageError(`compare: ${file}: ${problem}`, "pass results.json files written by gauntlet bench send-modes, unedited");
  return value;
}

const sign = (v: number) => (v > 0 ? `+${v}` : String(v));
function cell(d: Delta, digits: number): string {
  const f = (v: number) => (+v.toFixed(digits)).toLocaleString("en-US");
  return `${f(d.a)} → ${f(d.b)} (${sign(+d.diff.toFixed(digits))}${d.pct === null ? "" : `, ${sign(d.pct)}%`})${d.regression ? " REGRESSION" : ""}`;
}

/** `gauntlet compare A.json B.json`: per matched cell, msgs/s and publish p50/p99/p999 deltas. */
export async function compareCommand(fileA: string, fileB: string, options: CompareCommandOptions): Promise<number> {
  const tolerance = options.tolerance === undefined ? 10 : Number(options.tolerance);
  if (!(tolerance >= 0 && tolerance <= 1000)) throw new UsageError(`--tolerance: "${options.tolerance}" is not a percentage`, "e.g. --tolerance 10");
  const result = compareRuns(await load(fileA), await load(fileB), tolerance);
  if (options.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else {
    const lines = [`A: ${result.a.runId} ${result.a.broker} (${result.a.startedAt})`, `B: ${result.b.runId} ${result.b.broker} (${result.b.startedAt})`, ""];
    const rows = result.cells.map((c: CellComparison) => [c.cell, cell(c.rate, 0), cell(c.p50, 3), cell(c.p99, 3), cell(c.p999, 3)]);
    const head = ["cell (mode/size/N)", "msgs/s", "p50 ms", "p99 ms", "p999 ms"];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    for (const r of [head, ...rows]) lines.push(r.map((v, i) => v.padEnd(widths[i]!)).join("  ").trimEnd());
    if (result.onlyInA.length) lines.push(`only in A: ${result.onlyInA.join(", ")}`);
    if (result.onlyInB.length) lines.push(`only in B: ${result.onlyInB.join(", ")}`);
    lines.push("", `${result.cells.length} matched cell(s); ${result.regressions} with a regression beyond ${tolerance} % (throughput down or latency up)`);
    process.stdout.write(`${lines.join("\n")}\n`);
  }
  return options.failOnRegression && result.regressions > 0 ? EXIT.invalid : EXIT.valid;
}
