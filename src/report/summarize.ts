/** Shared wording for every report format: verdict labels, anomaly counts, durations. */
import type { AnomalyExample, CheckResult, Verdict } from "../core/result.js";
import type { SuiteOutcome } from "../core/run.js";

/** How a verdict reads in every report. */
export type VerdictLabel = "valid" | "INVALID" | "unknown" | "n/a";

/** Label for a verdict, or "n/a" when the property did not apply. */
export function verdictLabel(valid: Verdict, notApplicable?: boolean): VerdictLabel {
  if (notApplicable) return "n/a";
  return valid === true ? "valid" : valid === false ? "INVALID" : "unknown";
}

/** Label of a suite's outcome. */
export function suiteLabel(suite: SuiteOutcome): VerdictLabel {
  return verdictLabel(suite.verdict, suite.notApplicable !== undefined);
}

/** Label of one checker's result. */
export function checkerLabel(result: CheckResult): VerdictLabel {
  return verdictLabel(result.valid, result.notApplicable === true && result.valid !== false);
}

/** One anomaly that made a checker invalid or unknown. */
export interface AnomalyCount {
  checker: string;
  name: string;
  /** Total (uncapped) count; at least the number of examples. */
  count: number;
  examples: AnomalyExample[];
}

/** Anomalies of the checkers that are not valid, nonzero only, in checker then anomaly order. */
export function anomalyCounts(results: Record<string, CheckResult>): AnomalyCount[] {
  const out: AnomalyCount[] = [];
  for (const [checker, result] of Object.entries(results)) {
    if (result.valid === true) continue;
    for (const [name, examples] of Object.entries(result.anomalies ?? {})) {
      const list = Array.isArray(examples) ? examples : [];
      const count = Math.max(result.counts?.[name] ?? 0, list.length);
      if (count > 0) out.push({ checker, name, count, examples: list });
    }
  }
  return out;
}

/** `lost=2 duplicated=1`; a name reported by several checkers is qualified as `checker/name`. */
export function formatAnomalyCounts(list: readonly AnomalyCount[], separator = " "): string {
  const owners = new Map<string, Set<string>>();
  for (const a of list) owners.set(a.name, (owners.get(a.name) ?? new Set()).add(a.checker));
  return list
    .map((a) => `${(owners.get(a.name)?.size ?? 0) > 1 ? `${a.checker}/` : ""}${a.name}=${a.count}`)
    .join(separator);
}

/** `#12, #40, #41` (capped, with `…` when more). */
export function formatIndexes(indexes: readonly number[] | undefined, max = 8): string {
  if (!indexes || indexes.length === 0) return "";
  const shown = indexes.slice(0, max).map((i) => `#${i}`);
  return indexes.length > max ? `${shown.join(", ")}, … (${indexes.length} ops)` : shown.join(", ");
}

/** Identity fields of an example (`id m7 @ orders key k1`), empty when none. */
export function formatSubject(example: AnomalyExample): string {
  const parts: string[] = [];
  if (example.id !== undefined) parts.push(`id ${example.id}`);
  if (example.entity !== undefined) parts.push(`@ ${example.entity}`);
  if (example.key !== undefined) parts.push(`key ${example.key}`);
  return parts.join(" ");
}

/** One line per example: indexes, subject and explanation. */
export function formatExample(example: AnomalyExample): string {
  const head = [formatIndexes(example.indexes), formatSubject(example)].filter(Boolean).join(" ");
  return head ? `${head}: ${String(example.explanation ?? "")}` : String(example.explanation ?? "");
}

/** Milliseconds for people: `850 ms`, `12.3 s`, `4 m 05 s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "?";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} m ${String(s % 60).padStart(2, "0")} s`;
}

/** Tally of suite verdict labels. */
export function tallyLabels(suites: readonly SuiteOutcome[]): Record<VerdictLabel, number> {
  const tally: Record<VerdictLabel, number> = { valid: 0, INVALID: 0, unknown: 0, "n/a": 0 };
  for (const s of suites) tally[suiteLabel(s)] += 1;
  return tally;
}

/** First line of a (possibly multi-line) error, capped. */
export function firstLine(text: string, max = 160): string {
  const line = text.split(/\r?\n/, 1)[0] ?? "";
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
