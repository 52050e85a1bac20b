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
