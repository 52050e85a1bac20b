import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { BenchRun } from "../types.js";
import { CSV_SERIES, intervalCsv } from "./csv.js";
import { benchHtml } from "./html.js";

/** Files a bench run writes into its report directory. */
export const BENCH_FILES = ["results.json", "report.html", ...CSV_SERIES.map((s) => `intervals-${s}.csv`)];

/** results.json (full histograms), report.html and one CSV per interval series. */
export async function writeBenchReport(run: BenchRun): Promise<void> {
  await writeFile(join(run.reportDir, "results.json"), `${JSON.stringify(run, null, 2)}\n`);
  await writeFile(join(run.reportDir, "report.html"), benchHtml(run));
  for (const s of CSV_SERIES) {
    if (s === "delay" && run.settings.rate === undefined) continue;
    await writeFile(join(run.reportDir, `intervals-${s}.csv`), intervalCsv(run.cells, s));
  }
}

/** Read a results.json written by `gauntlet bench`. */
export function isBenchRun(value: unknown): value is BenchRun {
  const v = value as Partial<BenchRun> | null;
  return typeof v === "object" && v !== null && v.gauntlet === "bench" && Array.isArray(v.cells);
}

/**
 * What `gauntlet compare` reads of a send-modes results.json, checked before use: the first
 * problem as "field: what is wrong" (e.g. `cells.3.achievedRate: expected a number, got "fast"`),
 * or undefined when the file can be compared.
 */
export function benchRunProblem(value: unknown): string | undefined {
  if (!isBenchRun(value)) return "not a gauntlet bench results.json (needs \"gauntlet\": \"bench\" and a \"cells\" array)";
  const num = (v: unknown) => typeof v === "number" && Number.isFinite(v);
  for (const [i, c] of (value.cells as unknown[]).entries()) {
    if (typeof c !== "object" || c === null) return `cells.${i}: expected a cell object, got ${JSON.stringify(c)}`;
    const cell = c as Record<string, unknown>;
    if (typeof cell.mode !== "string") return `cells.${i}.mode: expected a string, got ${JSON.stringify(cell.mode)}`;
    for (const f of ["size", "achievedRate"]) if (!num(cell[f])) return `cells.${i}.${f}: expected a number, got ${JSON.stringify(cell[f])}`;
    const publish = cell.publish as Record<string, unknown> | null | undefined;
    if (typeof publish !== "object" || publish === null) return `cells.${i}.publish: expected latency percentiles, got ${JSON.stringify(publish)}`;
    for (const f of ["p50", "p99", "p999"]) if (!num(publish[f])) return `cells.${i}.publish.${f}: expected a number, got ${JSON.stringify(publish[f])}`;
  }
  return undefined;
}
