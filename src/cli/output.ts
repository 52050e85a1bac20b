import { writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import type { Op } from "../core/history.js";
import type { RunSummary } from "../core/run.js";
import { mergeVerdicts } from "../core/result.js";
import { toJsonl } from "../history/jsonl.js";
import { formatConsoleSummary, writeReportFiles } from "../report/index.js";
import { useColor } from "./options.js";

const VERSION = "0.1.0";

/** Assemble results.json's summary from suite outcomes. */
export function summarize(fields: Omit<RunSummary, "verdict" | "gauntletVersion" | "node" | "finishedAt">): RunSummary {
  return {
    ...fields,
    verdict: mergeVerdicts(fields.suites.filter((s) => !s.notApplicable).map((s) => s.verdict)),
    finishedAt: new Date().toISOString(),
    gauntletVersion: VERSION,
    node: process.version,
  };
}

/**
 * Write history.jsonl (each suite's representative run, ops tagged with `run`), results.json,
 * junit.xml and report.html, then print the console table or the JSON summary.
 */
export async function publish(summary: RunSummary, histories: Op[][], json: boolean): Promise<void> {
  await writeFile(join(summary.reportDir, "history.jsonl"), histories.map((ops) => toJsonl(ops)).join(""));
  await writeReportFiles(summary.reportDir, summary);
  if (json) {
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  } else {
    const shown = { ...summary, reportDir: relative(process.cwd(), summary.reportDir) || "." };
    process.stdout.write(`${formatConsoleSummary(shown, { color: useColor() })}\n`);
  }
}
