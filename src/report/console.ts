/** Plain-text summaries for the terminal: `gauntlet run` / `replay` and `gauntlet check`. */
import { join } from "node:path";
import type { ComposedResult } from "../core/result.js";
import type { RunSummary } from "../core/run.js";
import { printable } from "../html/escape.js";
import {
  anomalyCounts,
  checkerLabel,
  firstLine,
  formatAnomalyCounts,
  formatDuration,
  formatExample,
  suiteLabel,
  tallyLabels,
  verdictLabel,
  type VerdictLabel,
} from "./summarize.js";

/** Options of the console formatters; pass `color: process.stdout.isTTY && !process.env.NO_COLOR`. */
export interface ConsoleOptions {
  color: boolean;
}

const ANSI: Record<VerdictLabel | "dim" | "bold", string> = {
  valid: "\u001b[32m",
  INVALID: "\u001b[1;31m",
  unknown: "\u001b[33m",
  "n/a": "\u001b[2m",
  dim: "\u001b[2m",
  bold: "\u001b[1m",
};
const RESET = "\u001b[0m";

function painter(color: boolean) {
  return (style: keyof typeof ANSI, text: string) => (color && text ? `${ANSI[style]}${text}${RESET}` : text);
}

/** Lay out rows as left-aligned columns; the last column is not padded. `style` colours a padded cell. */
function table(rows: string[][], style: (row: number, col: number, cell: string) => string): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row, r) =>
    row
      .map((cell, c) => style(r, c, c === row.length - 1 ? cell : cell.padEnd(widths[c] ?? 0)))
      .join("  ")
      .trimEnd(),
  );
}

/**
 * Compact summary of a run: one row per suite (verdict, runs, time, the checkers that judged it
 * — not-applicable ones left out —, the anomalies that made it invalid or unknown), then the overall verdict, the seed, replay commands and the report path.
 */
export function formatConsoleSummary(summary: RunSummary, opts: ConsoleOptions): string {
  const paint = painter(opts.color);
  const rows: string[][] = [["suite", "verdict", "runs", "time", "checkers", "anomalies"]];
  const labels: VerdictLabel[] = [];
  for (const s of summary.suites) {
    const label = suiteLabel(s);
    labels.push(label);
    let detail = formatAnomalyCounts(anomalyCounts(s.results));
    if (label === "n/a") detail = s.notApplicable ?? "";
    else if (!detail && s.error) detail = `error: ${firstLine(s.error)}`;
    else if (!detail && label === "unknown") {
      const reasons = Object.entries(s.results).filter(([, r]) => r.valid === "unknown");
      detail = reasons.map(([name, r]) => `${name}: ${firstLine(r.error ?? r.reason ?? "unknown")}`).join("; ");
    }
    const judged = Object.entries(s.results).filter(([, r]) => !r.notApplicable).map(([name]) => name).join(" ");
    rows.push([printable(s.suite), label, formatRuns(s.runs, s.requestedRuns), formatDuration(s.wallMs), printable(judged), printable(detail)]);
  }
  const lines = table(rows, (r, c, cell) => {
    if (r === 0) return paint("bold", cell);
    if (c === 1) return paint(labels[r - 1] ?? "valid", cell);
    return cell;
  });

  const overall = verdictLabel(summary.verdict);
  const tally = tallyLabels(summary.suites);
  const parts = (Object.keys(tally) as VerdictLabel[]).filter((k) => tally[k] > 0).map((k) => `${tally[k]} ${k}`);
  lines.push("", `verdict: ${paint(overall, overall)}${parts.length ? ` (${parts.join(", ")})` : ""}`);
  lines.push(`seed: ${summary.seed}   broker: ${printable(summary.broker)}   run: ${printable(summary.runId)}`);
  lines.push(`rerun: ${printable(summary.command)}`);
  for (const s of summary.suites) {
    if (s.note) lines.push(`note ${printable(s.suite)}: ${printable(s.note)}`);
    if (s.verdict === true) continue;
    if (s.replayCommand) lines.push(`replay ${printable(s.suite)}: ${printable(s.replayCommand)}`);
    else if (s.notApplicable === undefined) {
      const path = s.path ? `, path ${printable(s.path)}` : "";
      lines.push(`rerun ${printable(s.suite)}: ${printable(summary.command)} (seed ${s.seed}${path})`);
    }
  }
  if (summary.brokerLogs?.length) lines.push(`broker logs: ${summary.brokerLogs.map((f) => printable(join(summary.reportDir, f))).join(", ")}`);
  lines.push(`report: ${printable(join(summary.reportDir, "report.html"))}`);
  return `${lines.join("\n")}\n`;
}

/** "25" when every requested run ran once, "25 +18 shrinks" when shrinking added runs. */
function formatRuns(runs: number, requested: number): string {
  if (runs <= requested) return `${runs}/${requested}`;
  return `${requested} +${runs - requested} shrinks`;
}

/** Options of formatCheckSummary. */
export interface CheckSummaryOptions extends ConsoleOptions {
  /** The history file checked, named in the header. */
  source?: string;
  /** Examples printed per anomaly (default 3). */
  examples?: number;
}

/** Summary of one composed check (`gauntlet check history.jsonl`): each checker, its anomalies and examples. */
export function formatCheckSummary(result: ComposedResult, opts: CheckSummaryOptions): string {
  const paint = painter(opts.color);
  const cap = opts.examples ?? 3;
  const lines: string[] = [];
  if (opts.source) lines.push(paint("bold", `check ${printable(opts.source)}`));
  const rows: string[][] = [["checker", "verdict", "anomalies"]];
  const labels: VerdictLabel[] = [];
  for (const [name, r] of Object.entries(result.results)) {
    const label = checkerLabel(r);
    labels.push(label);
    let detail = formatAnomalyCounts(anomalyCounts({ [name]: r }));
    if (!detail && label !== "valid") detail = firstLine(r.error ?? r.reason ?? "");
    rows.push([printable(name), label, printable(detail)]);
  }
  lines.push(
    ...table(rows, (r, c, cell) => (r === 0 ? paint("bold", cell) : c === 1 ? paint(labels[r - 1] ?? "valid", cell) : cell)),
  );
  for (const a of anomalyCounts(result.results)) {
    lines.push("", `${paint("bold", printable(`${a.checker} ${a.name}`))} (${a.count})`);
    for (const ex of a.examples.slice(0, cap)) lines.push(`  - ${printable(formatExample(ex))}`);
    if (a.count > Math.min(cap, a.examples.length)) lines.push(paint("dim", `  … ${a.count - Math.min(cap, a.examples.length)} more`));
  }
  const overall = verdictLabel(result.valid);
  lines.push("", `verdict: ${paint(overall, overall)}${result.reason && result.valid !== true ? ` (${printable(firstLine(result.reason))})` : ""}`);
  return `${lines.join("\n")}\n`;
}
