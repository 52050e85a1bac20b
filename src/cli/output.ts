import { relative } from "node:path";
import type { RunSummary } from "../core/run.js";
import { formatConsoleSummary } from "../report/console.js";
import { useColor } from "./options.js";

/** Print a run's summary: the console table, or results.json's JSON with --json. */
export function printSummary(summary: RunSummary, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  } else {
    const shown = { ...summary, reportDir: relative(process.cwd(), summary.reportDir) || "." };
    process.stdout.write(`${formatConsoleSummary(shown, { color: useColor() })}\n`);
  }
}
