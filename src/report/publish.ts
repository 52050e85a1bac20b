import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Op } from "../core/history.js";
import type { RunSummary } from "../core/run.js";
import { mergeVerdicts } from "../core/result.js";
import { toJsonl } from "../history/jsonl.js";
import { writeReportFiles } from "./write.js";

const VERSION = "0.1.0";

/** Assemble results.json's summary from suite outcomes (n/a suites do not vote). */
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
 * The one publisher of a run's artefacts: history.jsonl (each suite's representative run, ops
 * tagged with `run`), results.json, junit.xml and report.html, all in summary.reportDir.
 */
export async function publishRun(summary: RunSummary, histories: readonly Op[][]): Promise<void> {
  await writeFile(join(summary.reportDir, "history.jsonl"), histories.map((ops) => toJsonl(ops)).join(""));
  await writeReportFiles(summary.reportDir, summary);
}
