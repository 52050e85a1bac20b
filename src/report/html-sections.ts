/** HTML fragments of report.html: verdict badges, a suite's properties, anomalies and counts. */
import type { AnomalyExample, CheckResult } from "../core/result.js";
import type { SuiteOutcome } from "../core/run.js";
import { escapeHtml as h } from "../html/escape.js";
import { htmlTable, metaList } from "../html/tables.js";

export { htmlTable, metaList } from "../html/tables.js";
import { anomalyCounts, checkerLabel, formatAnomalyCounts, formatIndexes, formatSubject, type VerdictLabel } from "./summarize.js";

/** Examples shown per anomaly in the HTML report. */
export const HTML_EXAMPLES = 8;

const CLASS: Record<VerdictLabel, string> = { valid: "valid", INVALID: "invalid", unknown: "unknown", "n/a": "na" };

/** A coloured verdict badge. */
export function badge(label: VerdictLabel): string {
  return `<span class="badge v-${CLASS[label]}">${h(label)}</span>`;
}

/** Verdict text coloured for a table cell. */
export function verdictText(label: VerdictLabel): string {
  return `<span class="t-${CLASS[label]}">${h(label)}</span>`;
}



const KNOWN = new Set(["indexes", "explanation", "id", "entity", "key"]);

function exampleItem(ex: AnomalyExample): string {
  const idx = formatIndexes(ex.indexes, 12);
  const subject = formatSubject(ex);
  const extras = Object.fromEntries(Object.entries(ex).filter(([k]) => !KNOWN.has(k)));
  let extra = Object.keys(extras).length ? JSON.stringify(extras) : "";
  if (extra.length > 400) extra = `${extra.slice(0, 399)}…`;
  return [
    "<li>",
    idx ? `<span class="idx">${h(idx)}</span> ` : "",
    subject ? `<span class="subj">${h(subject)}</span> ` : "",
    h(String(ex.explanation ?? "")),
    extra ? ` <code>${h(extra)}</code>` : "",
    "</li>",
  ].join("");
}

/** Properties table: one row per checker with its verdict, the anomalies that failed it, and notes. */
export function propertiesTable(results: Record<string, CheckResult>): string {
  const rows = Object.entries(results).map(([name, r]) => {
    const note = [r.error ? `error: ${r.error}` : "", r.reason ?? ""].filter(Boolean).join("; ");
    return [h(name), verdictText(checkerLabel(r)), h(formatAnomalyCounts(anomalyCounts({ [name]: r }), ", ")), h(note)];
  });
  return rows.length ? htmlTable(["property (checker)", "verdict", "anomalies", "note"], rows) : `<p class="muted">No checker results.</p>`;
}

/** Each anomaly that made a checker invalid or unknown, with examples and their history indexes. */
export function anomaliesBlock(results: Record<string, CheckResult>): string {
  const list = anomalyCounts(results);
  if (list.length === 0) return "";
  const parts = list.map((a) => {
    const shown = a.examples.slice(0, HTML_EXAMPLES);
    const more = a.count - shown.length;
    return [
      `<details open><summary>${h(a.checker)} · ${h(a.name)} (${a.count})</summary>`,
      shown.length ? `<ol class="examples">${shown.map(exampleItem).join("\n")}</ol>` : "",
      more > 0 ? `<p class="muted">… ${more} more not shown${a.examples.length > shown.length ? "" : " (examples are capped by the checker)"}.</p>` : "",
      `</details>`,
    ].join("\n");
  });
  return `<h3>Anomalies</h3>\n${parts.join("\n")}`;
}

/** Counts (including allowed events) and free-form stats of every checker. */
export function countsTable(results: Record<string, CheckResult>): string {
  const kv = (rec: Record<string, number> | undefined) =>
    Object.entries(rec ?? {})
      .map(([k, v]) => `<span class="kv">${h(k)} <b>${h(typeof v === "number" ? +v.toFixed(4) : v)}</b></span>`)
      .join(" ");
  const rows = Object.entries(results)
    .filter(([, r]) => Object.keys(r.counts ?? {}).length + Object.keys(r.stats ?? {}).length > 0)
    .map(([name, r]) => [h(name), kv(r.counts), kv(r.stats)]);
  return rows.length ? `<h3>Counts</h3>\n${htmlTable(["checker", "counts", "stats"], rows)}` : "";
}

/** Seed, runs, path, timing and files of a suite. */
export function suiteMeta(s: SuiteOutcome): string {
  return metaList([
    ["seed", s.seed],
    ["runs", `${s.runs} of ${s.requestedRuns} requested`],
    ["fast-check path", s.path],
    ["wall time", `${(s.wallMs / 1000).toFixed(2)} s`],
    ["history run", s.historyRun],
    ["repro file", s.reproFile],
  ]);
}
