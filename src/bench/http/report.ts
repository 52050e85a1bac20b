/** `gauntlet bench http` output: the console summary, report.html (self-contained, as the send-modes report) and results.json. */
import { selfContainedPage } from "../../html/page.js";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { escapeHtml as h } from "../../html/escape.js";
import { htmlTable, metaList } from "../../html/tables.js";
import { ms, rate } from "../report/format.js";
import type { SeriesSummary } from "../types.js";
import type { HttpBenchRun, HttpFlag } from "./types.js";

export const HTTP_FLAG_TEXT: Record<HttpFlag, string> = {
  "event-loop-delay": "event-loop delay p99 above 20 ms: the process (autocannon, the service and the consumer share it) was saturated",
  "below-target-rate": "completed requests below 95 % of --rate",
  errors: "connection errors or timeouts (their requests got no response)",
  "not-exactly-once": "a 2xx order without exactly one OrderPlaced event, or an event for a non-2xx order",
  "outbox-violation": "the database and the broker's history disagree: a committed order's event lost, an event for a rolled-back order, or an event published twice",
};

const version = (run: HttpBenchRun) => [run.versions.broker, run.versions.brokerVersion].filter(Boolean).join(" ") || "broker version unknown";

function exactlyOnceLine(run: HttpBenchRun): string {
  const x = run.exactlyOnce;
  if (x.ok) return `exactly-once: OK — each of ${x.accepted.toLocaleString("en-US")} 2xx orders produced exactly one OrderPlaced event; none for the ${x.rejected.toLocaleString("en-US")} non-2xx orders`;
  const parts = [`missing ${x.missing}`, `duplicated ${x.duplicated}${x.extraEvents ? ` (${x.extraEvents} extra events)` : ""}`, `unexpected ${x.unexpected}`];
  return `exactly-once: FAILED — ${parts.join(", ")}`;
}

/** Outbox mode's verdict, one line, and its examples. */
export function outboxLines(run: HttpBenchRun): string[] {
  const x = run.outbox;
  if (!x) return [];
  const counts = `${x.committed.toLocaleString("en-US")} committed orders, ${x.rolledBack.toLocaleString("en-US")} rolled back (402), ${x.published.toLocaleString("en-US")} events, ${x.pendingRows} rows left unpublished, ${x.relays} relay${x.relays === 1 ? "" : "s"}${x.relayErrors ? `, ${x.relayErrors} failed relay passes (retried)` : ""}; ${x.database}`;
  if (x.ok) return [`outbox: OK — every committed order's event published, none for a rolled-back order, no duplicate (${counts})`];
  return [`outbox: FAILED — ${Object.entries(x.violations).map(([k, n]) => `${k} ×${n}`).join(", ")} (${counts})`, ...x.examples.map((e) => `  ${e}`)];
}

function examples(run: HttpBenchRun): string[] {
  const out: string[] = [];
  for (const [k, list] of Object.entries(run.exactlyOnce.examples)) if (list.length) out.push(`  ${k}: ${list.join(", ")}`);
  return out;
}

const pct = (s: SeriesSummary) => (s.count ? `p50 ${ms(s.p50)}  p99 ${ms(s.p99)}  p99.9 ${ms(s.p999)}  max ${ms(s.max)}` : "no samples");

/** The console summary. */
export function formatHttpText(run: HttpBenchRun): string {
  const s = run.settings;
  const a = run.http.autocannon;
  const x = run.exactlyOnce;
  const out = [
    `gauntlet bench http — ${run.service.endpoint} of ${run.service.name}${run.service.defect ? ` (defect ${run.service.defect})` : ""} → ${run.broker} (${version(run)}; ${run.versions.client}${run.versions.clientVersion ? ` ${run.versions.clientVersion}` : ""})`,
    `autocannon ${run.versions.autocannon ?? ""}: ${s.connections} connections, ${s.durationMs / 1000} s, ${s.rate === undefined ? "max rate (each connection sends on the previous response)" : `overallRate ${rate(s.rate)} req/s`}${s.badOrdersPercent ? `, ${s.badOrdersPercent} % invalid orders` : ""}${s.declinedOrdersPercent ? `, ${s.declinedOrdersPercent} % declined` : ""}${run.service.mode === "outbox" ? ", transactional outbox" : ""}; host ${run.host.cpus} × ${run.host.cpuModel}, Node ${run.host.node}`,
    "",
    `requests        ${rate(run.http.requestsPerSec)} req/s — ${run.http.completed.toLocaleString("en-US")} answered of ${run.http.sent.toLocaleString("en-US")} sent: 2xx ${run.http.ok}, non-2xx ${run.http.non2xx} (${Object.entries(run.http.status).map(([k, v]) => `${k}: ${v}`).join(", ")}), errors ${run.http.errors}, timeouts ${run.http.timeouts}`,
    `HTTP latency    autocannon (ms): p50 ${a.p50}  p97.5 ${a.p97_5}  p99 ${a.p99}  avg ${a.average}  max ${a.max}${a.coordinatedOmissionCorrected ? "  (CO-corrected, 1 ms interval)" : ""}`,
    `                Gauntlet (ms):   ${pct(run.http.latency)}`,
    `HTTP → consumed (ms):            ${pct(run.e2e)}`,
    `events          ${run.consumed.events.toLocaleString("en-US")} consumed (${rate(run.consumed.eventsPerSec)}/s)${run.consumed.drained ? "" : `; the consumer had not caught up ${run.consumed.drainMs} ms after the load`}${x.unansweredWithEvent ? `; ${x.unansweredWithEvent} for requests without a response (not judged)` : ""}`,
    exactlyOnceLine(run),
    ...examples(run),
    ...outboxLines(run),
  ];
  for (const f of run.flags) if (f !== "not-exactly-once" && f !== "outbox-violation") out.push(`WARNING ${f}: ${HTTP_FLAG_TEXT[f]}`);
  out.push("", `report: ${run.reportDir}`);
  return out.join("\n");
}

/** Browser script: latency percentile curves (log x as HdrHistogram plots, log y) and throughput per second. */
const HTTP_CHART_SCRIPT = String.raw`(function () {
  "use strict";
  var el = document.getElementById("bench-data");
  if (!el || typeof uPlot === "undefined") return;
  var run = JSON.parse(el.textContent || "{}");
  var widthOf = function (node) { return Math.max(320, Math.min(1100, (node.parentNode && node.parentNode.clientWidth) || 900)); };
  var fmt = function (v, unit) { return v == null ? "-" : (+(+v).toPrecision(4)).toLocaleString() + unit; };
  function latencyChart(node) {
    var lines = [
      ["HTTP (Gauntlet, request written → response)", "#2563eb", run.http.latency.curve.map(function (p) { return [p[0], p[1] / 1000]; })],
      ["HTTP (autocannon, ms resolution)", "#94a3b8", run.http.autocannon.curve],
      ["HTTP → consumed", "#16a34a", run.e2e.curve.map(function (p) { return [p[0], p[1] / 1000]; })]
    ].filter(function (l) { return l[2].length; });
    if (!lines.length) return null;
    var ps = [];
    lines.forEach(function (l) { l[2].forEach(function (pt) { if (pt[0] < 100 && ps.indexOf(pt[0]) < 0) ps.push(pt[0]); }); });
    ps.sort(function (a, b) { return a - b; });
    var cols = [ps.map(function (p) { return Math.log10(100 / (100 - p)); })];
    var series = [{ label: "percentile", value: function (u, v) { return v == null ? "-" : (+(100 - 100 / Math.pow(10, v)).toFixed(4)) + "%"; } }];
    lines.forEach(function (l) {
      var byP = {}; l[2].forEach(function (pt) { byP[pt[0]] = pt[1]; });
      cols.push(ps.map(function (p) { return byP[p] == null ? null : Math.max(0.001, byP[p]); }));
      series.push({ label: l[0], stroke: l[1], width: 1.6, spanGaps: true, points: { show: true, size: 4 }, value: function (u, v) { return fmt(v, " ms"); } });
    });
    return new uPlot({
      width: widthOf(node), height: 320,
      scales: { x: { time: false, range: [0, 5] }, y: { distr: 3, log: 10 } },
      axes: [
        { label: "percentile", splits: function () { return [0, 1, 2, 3, 4, 5]; }, values: function () { return ["0%", "90%", "99%", "99.9%", "99.99%", "99.999%"]; } },
        { label: "latency, ms (log)", size: 70, values: function (u, vals) { return vals.map(function (v) { return fmt(v, ""); }); } }
      ],
      series: series
    }, cols, node);
  }
  function throughputChart(node) {
    var rows = run.timeline || [];
    if (!rows.length) return null;
    var x = rows.map(function (r) { return r.t; });
    x.push(rows.length);
    var col = function (k) { var c = rows.map(function (r) { return r[k]; }); c.push(null); return c; };
    return new uPlot({
      width: widthOf(node), height: 280,
      scales: { x: { time: false }, y: { range: function (u, min, max) { return [0, Math.max(1, max) * 1.08]; } } },
      axes: [{ label: "seconds since the load started" }, { label: "per second", size: 80, values: function (u, vals) { return vals.map(function (v) { return fmt(v, ""); }); } }],
      series: [{ label: "t", value: function (u, v) { return fmt(v, " s"); } },
        { label: "2xx/s", stroke: "#2563eb", width: 1.5, fill: "#2563eb18", paths: uPlot.paths.stepped({ align: 1 }) },
        { label: "non-2xx/s", stroke: "#dc2626", width: 1.5, paths: uPlot.paths.stepped({ align: 1 }) },
        { label: "events consumed/s", stroke: "#16a34a", width: 1.5, paths: uPlot.paths.stepped({ align: 1 }) }]
    }, [x, col("ok"), col("non2xx"), col("consumed")], node);
  }
  document.querySelectorAll("[data-chart]").forEach(function (node) {
    try {
      var kind = node.getAttribute("data-chart");
      var plot = kind === "latency" ? latencyChart(node) : throughputChart(node);
      if (plot) node.classList.add("drawn"); else node.textContent = "No samples for this chart.";
    } catch (e) { node.textContent = "chart failed: " + e; }
  });
})();
`;

const CSS = `
.warn { border-left: 4px solid var(--bad); background: var(--panel); padding: .5rem .9rem; margin: .8rem 0; }
.warn strong { color: var(--bad); } .okbox { border-left: 4px solid var(--good, #16a34a); background: var(--panel); padding: .5rem .9rem; margin: .8rem 0; }
.chart-box h3 { margin: .2rem .3rem .4rem; }
`;

function seriesRow(name: string, s: SeriesSummary): string[] {
  return [h(name), h(s.count), h(ms(s.count ? s.p50 : null)), h(ms(s.count ? s.p90 : null)), h(ms(s.count ? s.p99 : null)), h(ms(s.count ? s.p999 : null)), h(ms(s.count ? s.max : null))];
}

/** report.html: one self-contained file (inline uPlot and data, a CSP allowing only its two scripts, no network). */
export function httpHtml(run: HttpBenchRun): string {
  const s = run.settings;
  const a = run.http.autocannon;
  const x = run.exactlyOnce;
  const verdict = x.ok
    ? `<div class="okbox" id="exactly-once"><strong>Exactly once:</strong> ${h(exactlyOnceLine(run).replace(/^exactly-once: OK — /, ""))}.</div>`
    : `<div class="warn" id="exactly-once"><strong>Not exactly once:</strong> missing ${h(x.missing)}, duplicated ${h(x.duplicated)}, unexpected ${h(x.unexpected)}.${Object.entries(x.examples)
        .filter(([, l]) => l.length)
        .map(([k, l]) => ` ${h(k)}: <code>${h(l.join(", "))}</code>`)
        .join(";")}</div>`;
  const outboxBox = run.outbox
    ? `<div class="${run.outbox.ok ? "okbox" : "warn"}" id="outbox"><strong>Transactional outbox:</strong> ${h(outboxLines(run)[0]!.replace(/^outbox: /, ""))}${run.outbox.examples.length ? `<br><code>${h(run.outbox.examples.join("; "))}</code>` : ""}</div>`
    : "";
  const warnings = run.flags.filter((f) => f !== "not-exactly-once" && f !== "outbox-violation").map((f) => `<div class="warn"><strong>${h(f)}</strong>: ${h(HTTP_FLAG_TEXT[f])}</div>`);
  const data = { ...run, http: { ...run.http, latency: { ...run.http.latency, histogram: undefined }, autocannon: { ...a, histogram: undefined } }, e2e: { ...run.e2e, histogram: undefined } };
  return selfContainedPage({
    title: `Gauntlet bench http · ${run.broker} · ${run.runId}`,
    css: CSS,
    chartScript: HTTP_CHART_SCRIPT,
    dataId: "bench-data",
    data: data,
    header: `<h1>HTTP ingress: ${h(run.service.endpoint)} → ${h(run.broker)}</h1>
${metaList([
  ["service", `${run.service.name}${run.service.defect ? ` with defect ${run.service.defect}` : ""} ${run.service.mode === "outbox" ? "(outbox mode: 201 after the order and its outbox row committed in one PostgreSQL transaction; relays publish)" : "(201 only after the broker acknowledged the OrderPlaced publish)"}`],
  ["broker", `${run.broker} — ${version(run)}${run.versions.note ? ` (${run.versions.note})` : ""}`],
  ["client", `${run.versions.client}${run.versions.clientVersion ? ` ${run.versions.clientVersion}` : ""}`],
  ["client settings", JSON.stringify(s.client)],
  ["load", `autocannon ${run.versions.autocannon ?? ""}, ${s.connections} connections, pipelining 1, ${s.durationMs / 1000} s, ${s.rate === undefined ? "max rate (closed loop per connection)" : `overallRate ${rate(s.rate)} req/s`}${s.badOrdersPercent ? `, ${s.badOrdersPercent} % invalid orders` : ""}`],
  ["environment", `${run.environment}; autocannon, the service and the consumer share one Node process`],
  ["host", `${run.host.cpus} × ${run.host.cpuModel}, ${(run.host.memoryBytes / 2 ** 30).toFixed(1)} GiB, ${run.host.platform}/${run.host.arch}, Node ${run.host.node}`],
  ["started", run.startedAt],
  ["finished", run.finishedAt],
  ["command", run.command],
])}`,
    main: `${verdict}
${outboxBox}
${warnings.join("\n")}
<h2>Figures</h2>
${htmlTable(
  ["requests/s", "2xx/s", "sent", "answered", "2xx", "non-2xx", "status codes", "errors", "timeouts", "events consumed", "event-loop p99 ms"],
  [[h(rate(run.http.requestsPerSec)), h(rate(run.http.okPerSec)), h(run.http.sent), h(run.http.completed), h(run.http.ok), h(run.http.non2xx), h(Object.entries(run.http.status).map(([k, v]) => `${k}: ${v}`).join(", ")), h(run.http.errors), h(run.http.timeouts), h(run.consumed.events), h(run.eventLoop.p99Ms)]],
  [0, 1, 2, 3, 4, 5, 7, 8, 9, 10],
)}
${htmlTable(["autocannon latency (ms)", "p2.5", "p50", "p97.5", "p99", "avg", "stdev", "max"], [["HTTP", h(a.p2_5), h(a.p50), h(a.p97_5), h(a.p99), h(a.average), h(a.stddev), h(a.max)].map(String)], [1, 2, 3, 4, 5, 6, 7])}
${htmlTable(["series (ms)", "count", "p50", "p90", "p99", "p99.9", "max"], [seriesRow("HTTP (Gauntlet)", run.http.latency), seriesRow("HTTP → consumed", run.e2e)], [1, 2, 3, 4, 5, 6])}
<p class="muted">HTTP (Gauntlet): request written → response parsed, µs resolution, every status. HTTP → consumed: consumer receive time − request written, per 2xx order (its first event); one process, one monotonic clock. autocannon's figures are whole milliseconds${a.coordinatedOmissionCorrected ? ", and with --rate it back-fills samples assuming a 1 ms interval (see docs/benchmarks.md)" : ""}.</p>
<h2>Latency by percentile</h2>
<div class="charts"><div class="chart-box"><h3>HTTP and HTTP → consumed</h3><div class="chart" data-chart="latency"></div></div></div>
<h2>Throughput over time</h2>
<div class="charts"><div class="chart-box"><h3>Responses and events per second</h3><div class="chart" data-chart="throughput"></div></div></div>
<h2>Exactly-once check</h2>
${htmlTable(["2xx orders", "non-2xx orders", "unanswered requests", "events", "missing", "duplicated", "extra events", "unexpected", "events for unanswered requests"], [[x.accepted, x.rejected, x.unanswered, x.events, x.missing, x.duplicated, x.extraEvents, x.unexpected, x.unansweredWithEvent].map((v) => h(v))], [0, 1, 2, 3, 4, 5, 6, 7, 8])}
<p class="muted">Events for requests that got no response (timeouts, or in flight when the load stopped) are reported but not judged: the client cannot know whether those orders were placed.</p>`,
  });
}

/** results.json (full histograms) and report.html. */
export async function writeHttpReport(run: HttpBenchRun): Promise<void> {
  await writeFile(join(run.reportDir, "results.json"), `${JSON.stringify(run, null, 2)}\n`);
  await writeFile(join(run.reportDir, "report.html"), httpHtml(run));
}
