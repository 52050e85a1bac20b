/** report.html: one self-contained file (inline uPlot, inline data, no external URL). */
import { selfContainedPage } from "../html/page.js";
import type { RunSummary, SuiteOutcome } from "../core/run.js";
import { escapeHtml as h, slug } from "../html/escape.js";
import { CHART_SCRIPT } from "./html-charts.js";
import { metricsBlock } from "./html-metrics.js";
import { planSection } from "./html-plan.js";
import { anomaliesBlock, badge, countsTable, htmlTable, metaList, propertiesTable, suiteMeta, verdictText } from "./html-sections.js";
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

/**
 * The self-contained HTML report of a run: header, overview, and per suite its properties,
 * anomalies with history indexes, counts, latency and throughput (charts need JS; tables do not),
 * counterexample and replay command. The summary is embedded as JSON in `#data`.
 */
export function toHtml(summary: RunSummary): string {
  const overall = verdictLabel(summary.verdict);
  const elapsed = Date.parse(summary.finishedAt) - Date.parse(summary.startedAt);
  return selfContainedPage({
    title: `Gauntlet ${overall} · ${summary.runId}`,
    head: `<meta name="generator" content="gauntlet ${h(summary.gauntletVersion)}">`,
    chartScript: CHART_SCRIPT,
    dataId: "data",
    data: summary,
    header: `<h1>${badge(overall)} Gauntlet report</h1>
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
  ["broker logs", summary.brokerLogs?.join(", ")],
])}`,
    main: `${planSection(summary.plan)}
<h2>Suites</h2>
${summary.suites.length ? overviewTable(summary) : `<p class="muted">No suites ran.</p>`}
${summary.suites.map(suiteSection).join("\n")}`,
  });
}
