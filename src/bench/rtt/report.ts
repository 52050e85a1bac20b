import { selfContainedPage } from "../../html/page.js";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { escapeHtml as h } from "../../html/escape.js";
import { htmlTable, metaList } from "../../html/tables.js";
import type { RttRun } from "./types.js";

const fixed = (v: number, d = 1) => v.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });

function table(head: string[], rows: string[][], right: number[]): string {
  const widths = head.map((x, i) => Math.max(x.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) => r.map((c, i) => (right.includes(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ").trimEnd();
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

function rowCells(run: RttRun): string[][] {
  return run.rows.map((r) => [r.label, String(r.messages), fixed(r.totalMs), fixed(r.perMessageMs, 2), fixed(r.rtts, 2), String(r.expectedRtts)]);
}

const HEAD = ["mode", "N", "total ms", "per-message ms", "total in RTTs", "expected RTTs"];

/** The console table and what it shows. */
export function formatRttText(run: RttRun): string {
  const s = run.settings;
  const out = [
    `gauntlet bench rtt — ${run.target}`,
    `toxiproxy latency ${s.latencyMs} ms per round trip (${s.latencySplit.upstreamMs} ms client → broker + ${s.latencySplit.downstreamMs} ms broker → client); ${s.messages} messages of ${s.size} B; measured RTT ${fixed(run.rttMs)} ms (median of ${s.probes} single sends)`,
    "",
    table(HEAD, rowCells(run), [1, 2, 3, 4, 5]),
    "",
    "total in RTTs = total ms ÷ the measured RTT. Sequential sends pay one round trip each; pipelined sends overlap theirs (⌈N/K⌉ round trips); a batch is one.",
    ...run.notes.map((n) => `note: ${n}`),
    "",
    `report: ${run.reportDir}`,
  ];
  return out.join("\n");
}

const CHART_SCRIPT = String.raw`(function () {
  "use strict";
  var el = document.getElementById("rtt-data");
  if (!el || typeof uPlot === "undefined") return;
  var run = JSON.parse(el.textContent || "{}");
  var rows = run.rows || [];
  var node = document.querySelector("[data-chart=rtt]");
  if (!node || !rows.length) return;
  var COLOR = { "one-send": "#64748b", sequential: "#2563eb", pipelined: "#16a34a", batched: "#d97706" };
  var xs = rows.map(function (r, i) { return i; });
  var cols = [xs];
  var series = [{ label: "mode", value: function (u, v) { return v == null || !rows[v] ? "-" : rows[v].label; } }];
  Object.keys(COLOR).forEach(function (m) {
    cols.push(rows.map(function (r) { return r.mode === m ? r.totalMs : null; }));
    series.push({ label: m + " total ms", stroke: COLOR[m], fill: COLOR[m] + "99", width: 1, paths: uPlot.paths.bars({ size: [0.6, 80] }), points: { show: false },
      value: function (u, v) { return v == null ? "-" : (+v.toFixed(1)) + " ms"; } });
  });
  cols.push(rows.map(function (r) { return r.expectedRtts * run.rttMs; }));
  series.push({ label: "expected (RTT model)", stroke: "#dc2626", width: 0, points: { show: true, size: 9, fill: "#dc2626" }, value: function (u, v) { return v == null ? "-" : (+v.toFixed(1)) + " ms"; } });
  var width = Math.max(320, Math.min(1100, (node.parentNode && node.parentNode.clientWidth) || 900));
  new uPlot({
    width: width, height: 340,
    scales: { x: { time: false, range: [-0.6, rows.length - 0.4] }, y: { range: function (u, min, max) { return [0, Math.max(1, max) * 1.1]; } } },
    axes: [
      { splits: function () { return xs; }, values: function (u, s) { return s.map(function (v) { return rows[v] ? rows[v].label : ""; }); }, size: 60 },
      { label: "total ms (" + run.rttMs.toFixed(1) + " ms = 1 RTT)", size: 80 }
    ],
    series: series
  }, cols, node);
  node.classList.add("drawn");
})();
`;

/** report.html: self-contained (inline uPlot and data, a CSP allowing only its own two scripts). */
export function rttHtml(run: RttRun): string {
  const s = run.settings;
  return selfContainedPage({
    title: `Gauntlet bench rtt · ${run.broker} · ${run.runId}`,
    chartScript: CHART_SCRIPT,
    dataId: "rtt-data",
    data: run,
    header: `<h1>Round trips: ${h(run.broker)}</h1>
${metaList([
  ["behind the proxy", run.target],
  ["client", `${run.versions.client}${run.versions.clientVersion ? ` ${run.versions.clientVersion}` : ""}`],
  ["latency toxic", `${s.latencyMs} ms per round trip: ${s.latencySplit.upstreamMs} ms upstream (client → broker) + ${s.latencySplit.downstreamMs} ms downstream (broker → client), no jitter`],
  ["measured RTT", `${run.rttMs.toFixed(1)} ms (median of ${s.probes} single awaited sends: ${run.probesMs.join(", ")} ms)`],
  ["messages", `${s.messages} × ${s.size} B; in-flight limit ${s.inFlight}`],
  ["client settings", JSON.stringify(s.client)],
  ["host", `${run.host.cpus} × ${run.host.cpuModel}, Node ${run.host.node}`],
  ["started", run.startedAt],
  ["command", run.command],
])}`,
    main: `<h2>Total time to send N messages</h2>
<div class="charts"><div class="chart-box"><div class="chart" data-chart="rtt"></div></div></div>
${htmlTable(HEAD, rowCells(run).map((r) => r.map((c) => h(c))), [1, 2, 3, 4, 5])}
<p>Bars: measured total; red points: what the round-trip model predicts (expected RTTs × the measured RTT). Sequential sends pay one round trip each; pipelined sends overlap theirs, so N sends with K in flight cost about ⌈N/K⌉ round trips; a batch is one request and one round trip.</p>
${run.notes.map((n) => `<p class="muted">${h(n)}</p>`).join("\n")}`,
  });
}

export async function writeRttReport(run: RttRun): Promise<void> {
  await writeFile(join(run.reportDir, "results.json"), `${JSON.stringify(run, null, 2)}\n`);
  await writeFile(join(run.reportDir, "report.html"), rttHtml(run));
}
