/** report.html for a bench run: one self-contained file (inline uPlot and data, strict CSP, no network). */
import { selfContainedPage } from "../../html/page.js";
import { escapeHtml as h } from "../../html/escape.js";
import { htmlTable, metaList } from "../../html/tables.js";
import { MODE_INFO } from "../modes.js";
import { SEND_MODES, type BenchRun, type CellResult } from "../types.js";
import { BENCH_CHART_SCRIPT } from "./html-script.js";
import { FLAG_TEXT, bestPerSize, generatorBehind, modeLabel, ms, nLabel, rate } from "./format.js";

const BENCH_CSS = `
.warn { border-left: 4px solid var(--bad); background: var(--panel); padding: .5rem .9rem; margin: .8rem 0; }
.warn strong { color: var(--bad); }
tr.behind td { background: rgba(220, 38, 38, .08); } tr.anti td { color: var(--muted); font-style: italic; }
.chart-box h3 { margin: .2rem .3rem .4rem; }
`;

/** The run without the base64 histograms (results.json keeps them), for the browser script. */
function chartData(run: BenchRun): unknown {
  const strip = (s: CellResult["publish"] | undefined) => (s ? { ...s, histogram: undefined } : undefined);
  return { ...run, cells: run.cells.map((c) => ({ ...c, publish: strip(c.publish), e2e: strip(c.e2e), delay: strip(c.delay) })) };
}

function matrixTable(run: BenchRun): string {
  const rows = run.cells.map((c) => [
    h(c.antiPattern ? `${c.mode} (anti-pattern)` : c.mode),
    h(c.size),
    h(nLabel(c)),
    h(rate(c.achievedRate)) + (c.targetRate ? ` <span class="muted">/ ${h(rate(c.targetRate))}</span>` : ""),
    h(c.mbPerSec.toFixed(2)),
    h(`${c.acked}/${c.sent}`),
    h(c.errors),
    h(ms(c.publish.count ? c.publish.p50 : null)),
    h(ms(c.publish.count ? c.publish.p99 : null)),
    h(ms(c.publish.count ? c.publish.p999 : null)),
    h(ms(c.publish.count ? c.publish.max : null)),
    h(ms(c.e2e.count ? c.e2e.p50 : null)),
    h(ms(c.e2e.count ? c.e2e.p99 : null)),
    h(ms(c.delay?.count ? c.delay.p99 : null)),
    h(c.eventLoop.p99Ms),
    h(c.flags.join(", ")),
  ]);
  const table = htmlTable(["mode", "size B", "N", "msgs/s", "MB/s", "acked/sent", "errors", "p50 ms", "p99 ms", "p999 ms", "max ms", "e2e p50", "e2e p99", "delay p99", "loop p99 ms", "flags"], rows, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
  // Mark rows: the generator fell behind, or the anti-pattern.
  let i = 0;
  return table.replace(/<tr><td>/g, () => {
    const c = run.cells[i++];
    const cls = c ? [generatorBehind(c) ? "behind" : "", c.antiPattern ? "anti" : ""].filter(Boolean).join(" ") : "";
    return cls ? `<tr class="${cls}"><td>` : "<tr><td>";
  });
}

function warnings(run: BenchRun): string {
  const behind = run.cells.filter(generatorBehind);
  const parts: string[] = [];
  if (behind.length) {
    parts.push(
      `<div class="warn" id="generator-warning"><strong>Generator could not keep up</strong> in ${behind.length} cell(s): ${h(behind.map((c) => `${c.id} (${c.flags.join(", ")})`).join("; "))}. These numbers describe the load generator, not the broker.</div>`,
    );
  }
  const breached = run.thresholds.filter((t) => !t.passed);
  for (const t of breached) parts.push(`<div class="warn"><strong>Threshold breached:</strong> ${h(t.expression)} in ${h(t.breaches.map((b) => `${b.cell} (${b.detail})`).join("; "))}</div>`);
  return parts.join("\n");
}

function nativeSection(run: BenchRun): string {
  const n = run.native;
  if (!n) return "";
  const rows = n.runs.map((r) => [
    h(r.size),
    h(rate(r.msgsPerSec)),
    h(r.gauntletCell ?? "-"),
    h(r.gauntletMsgsPerSec === null ? "-" : rate(r.gauntletMsgsPerSec)),
    (r.ratio === null ? "-" : `<strong>${h(r.ratio.toFixed(2))} ×</strong>`) + (r.withConsumer?.ratio != null ? `<br><span class="muted">${h(r.withConsumer.ratio.toFixed(2))} × with the consumer (${h(rate(r.withConsumer.gauntletMsgsPerSec))} msgs/s)</span>` : ""),
    `<code>${h(r.command)}</code><br><span class="muted">${h(r.how)}; ${h(r.comparison)}</span>`,
  ]);
  return `<h2 id="native">Native tool comparison</h2>
<p>${h(n.toolVersion)} on the same broker with the same settings, run after Gauntlet's cells. Ratio = Gauntlet's msgs/s ÷ the native tool's: near 1 (or above) means Gauntlet's load generator is not the bottleneck.</p>
${htmlTable(["size B", `${n.tool} msgs/s`, "Gauntlet cell", "Gauntlet msgs/s", "ratio", "command and method"], rows, [0, 1, 3, 4])}`;
}

function chartBox(title: string, attrs: string): string {
  return `<div class="chart-box"><h3>${h(title)}</h3><div class="chart" ${attrs}></div></div>`;
}

/** The self-contained report of a bench run; the run is embedded as JSON in `#bench-data`. */
export function benchHtml(run: BenchRun): string {
  const s = run.settings;
  const best = [...bestPerSize(run.cells)].map(([size, c]) => `<li>${h(size)} B: <strong>${h(modeLabel(c))}</strong> — ${h(rate(c.achievedRate))} msgs/s, publish p99 ${h(ms(c.publish.p99))} ms</li>`);
  const modes = SEND_MODES.map((m) => [h(m), h(MODE_INFO[m].meaning)]);
  const flags = Object.entries(FLAG_TEXT).map(([f, t]) => [h(f), h(t)]);
  return selfContainedPage({
    title: `Gauntlet bench · ${run.broker} · ${run.runId}`,
    css: BENCH_CSS,
    chartScript: BENCH_CHART_SCRIPT,
    dataId: "bench-data",
    data: chartData(run),
    header: `<h1>Send modes: ${h(run.broker)}</h1>
${metaList([
  ["broker", `${run.broker} — ${[run.versions.broker, run.versions.brokerVersion].filter(Boolean).join(" ") || "version unknown"}${run.versions.note ? ` (${run.versions.note})` : ""}`],
  ["client", `${run.versions.client}${run.versions.clientVersion ? ` ${run.versions.clientVersion}` : ""}`],
  ["environment", run.environment],
  ["client settings", JSON.stringify(s.client)],
  ["load", s.rate === undefined ? "max rate: each mode as fast as its own loop allows (latency from the actual send)" : `fixed rate ${rate(s.rate)} msgs/s per cell, open loop (latency from the intended send time)`],
  ["per cell", `${s.messages !== undefined ? `${s.messages} messages` : `${s.durationMs / 1000} s`} measured after ${s.warmupMs / 1000} s warm-up (excluded)`],
  ["host", `${run.host.cpus} × ${run.host.cpuModel}, ${(run.host.memoryBytes / 2 ** 30).toFixed(1)} GiB, ${run.host.platform}/${run.host.arch}, Node ${run.host.node}`],
  ["started", run.startedAt],
  ["finished", run.finishedAt],
  ["command", run.command],
])}`,
    main: `${warnings(run)}
<h2>Send-mode matrix</h2>
<div class="charts">${chartBox("Throughput (bars) and publish p99 (points) per cell", `data-chart="matrix"`)}</div>
${best.length ? `<p>Fastest honest mode per payload size:</p><ul>${best.join("")}</ul>` : ""}
${matrixTable(run)}
<p class="muted">Latencies in ms; publish = send → broker ack, e2e = send → delivered to the consumer in this process, delay = actual − intended send time (fixed rate only). Fire-and-forget is an anti-pattern — ${h(FLAG_TEXT["anti-pattern"].replace(/^fire-and-forget: /, ""))}.</p>
${nativeSection(run)}
<h2>Latency by percentile</h2>
<div class="charts">
${chartBox("Publish latency (send → ack)", `data-chart="latency" data-series="publish"`)}
${chartBox("End-to-end latency (send → delivered)", `data-chart="latency" data-series="e2e"`)}
${s.rate !== undefined ? chartBox("Publish delay (actual − intended send time)", `data-chart="latency" data-series="delay"`) : ""}
</div>
<h2>Throughput over time</h2>
<div class="charts">${chartBox("Acknowledged and delivered msgs/s per interval", `data-chart="throughput"`)}</div>
<h2>Reading this report</h2>
${htmlTable(["mode", "meaning"], modes)}
${htmlTable(["flag", "meaning"], flags)}`,
  });
}
