/** report.html: one self-contained file (inline uPlot, inline data, no external URL). */
import { createHash } from "node:crypto";
import type { RunSummary, SuiteOutcome } from "../core/run.js";
import { chartAssets } from "./assets.js";
import { escapeHtml as h, inlineScript, jsonForScript, slug } from "./escape.js";
import { CHART_SCRIPT } from "./html-charts.js";
import { metricsBlock } from "./html-metrics.js";
import { anomaliesBlock, badge, countsTable, htmlTable, metaList, propertiesTable, suiteMeta, verdictText } from "./html-sections.js";
import { REPORT_CSS } from "./html-style.js";
import { anomalyCounts, firstLine, formatAnomalyCounts, formatDuration, suiteLabel, verdictLabel } from "./summarize.js";

/** Fragment id of a suite's section. */
export function suiteAnchor(index: number, suite: SuiteOutcome): string {
  return `s${index}-${slug(suite.suite)}`;
}

function suiteSection(s: SuiteOutcome, i: number): string {
  const label = suiteLabel(s);
  const why = s.notApplicable !== undefined ? "the suite did not apply to this broker" : s.error ? "the suite stopped with an error" : "no history was recorded";
  return [
    `<section class="suite" id="${h(suiteAnchor(i, s))}">`,
    `<h2>${badge(label)} ${h(s.suite)}</h2>`,
    s.description ? `<p class="desc">${h(s.description)}</p>` : "",
    suiteMeta(s),
    s.notApplicable !== undefined ? `<p class="note">Not applicable: ${h(s.notApplicable)}</p>` : "",
    s.error ? `<div class="error"><h3>Error</h3><pre>${h(s.error)}</pre></div>` : "",
    s.replayCommand ? `<h3>Replay</h3>\n<pre class="cmd"><code>${h(s.replayCommand)}</code></pre>` : "",
    s.notApplicable === undefined ? `<h3>Properties</h3>\n${propertiesTable(s.results)}` : "",
    anomaliesBlock(s.results),
    countsTable(s.results),
    metricsBlock(i, s.metrics, why),
    s.counterexample
      ? `<details><summary>Counterexample scenario (minimal failing input)</summary>\n<pre>${h(JSON.stringify(s.counterexample, null, 2))}</pre>\n</details>`
      : "",
    `</section>`,
  ]
    .filter(Boolean)
    .join("\n");
}

function overviewTable(summary: RunSummary): string {
  const rows = summary.suites.map((s, i) => {
    const detail = s.notApplicable ?? (formatAnomalyCounts(anomalyCounts(s.results), ", ") || (s.error ? firstLine(s.error) : ""));
    return [
      `<a href="#${h(suiteAnchor(i, s))}">${h(s.suite)}</a>`,
      verdictText(suiteLabel(s)),
      h(`${s.runs}/${s.requestedRuns}`),
      h(formatDuration(s.wallMs)),
      h(detail),
    ];
  });
  return htmlTable(["suite", "verdict", "runs", "time", "anomalies"], rows, [2, 3]);
}

const sha256 = (text: string) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;

/**
 * The self-contained HTML report of a run: header, overview, and per suite its properties,
 * anomalies with history indexes, counts, latency and throughput (charts need JS; tables do not),
 * counterexample and replay command. The summary is embedded as JSON in `#data`.
 */
export function toHtml(summary: RunSummary): string {
  const assets = chartAssets();
  const uplotJs = inlineScript(assets.js);
  const chartJs = inlineScript(CHART_SCRIPT);
  const overall = verdictLabel(summary.verdict);
  const elapsed = Date.parse(summary.finishedAt) - Date.parse(summary.startedAt);
  // Only these two inline scripts may run, and nothing may be fetched: an injected tag stays inert.
  const csp = `default-src 'none'; script-src ${sha256(uplotJs)} ${sha256(chartJs)}; style-src 'unsafe-inline'; img-src data:`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${h(csp)}">
<meta name="generator" content="gauntlet ${h(summary.gauntletVersion)}">
<title>Gauntlet ${h(overall)} · ${h(summary.runId)}</title>
<style>${assets.css.replace(/<\/(style)/gi, "<\\/$1")}</style>
<style>${REPORT_CSS}</style>
</head>
<body>
<header>
<h1>${badge(overall)} Gauntlet report</h1>
${metaList([
  ["broker", summary.broker],
  ["seed", summary.seed],
  ["run id", summary.runId],
  ["command", summary.command],
  ["started", summary.startedAt],
  ["finished", summary.finishedAt],
  ["duration", Number.isFinite(elapsed) ? formatDuration(elapsed) : undefined],
  ["gauntlet", summary.gauntletVersion],
  ["node", summary.node],
  ["report directory", summary.reportDir],
])}
</header>
<main>
<h2>Suites</h2>
${summary.suites.length ? overviewTable(summary) : `<p class="muted">No suites ran.</p>`}
${summary.suites.map(suiteSection).join("\n")}
</main>
<script type="application/json" id="data">${jsonForScript(summary)}</script>
<script>${uplotJs}</script>
<script>${chartJs}</script>
</body>
</html>
`;
}
