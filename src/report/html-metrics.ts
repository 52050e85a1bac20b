/** HTML fragments for a suite's history metrics: latency table, chart slots, fault windows. */
import type { HistoryMetrics } from "../core/run.js";
import { escapeHtml as h } from "../html/escape.js";
import { htmlTable } from "./html-sections.js";

const num = (v: number, digits = 3) => h(Number.isFinite(v) ? v.toLocaleString("en-US", { maximumFractionDigits: digits }) : "-");

/** Latency percentiles per op kind, ms. */
function latencyTable(m: HistoryMetrics): string {
  const rows = Object.entries(m.latency).map(([op, l]) => [
    h(op),
    num(l.count, 0),
    num(l.p50),
    num(l.p90),
    num(l.p99),
    num(l.p999),
    num(l.max),
    num(l.mean),
  ]);
  if (rows.length === 0) return `<p class="muted">No completed operations to time.</p>`;
  return htmlTable(["op", "count", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms", "mean ms"], rows, [1, 2, 3, 4, 5, 6, 7]);
}

function faultTable(m: HistoryMetrics): string {
  if (m.faults.length === 0) return `<p class="muted">No fault windows in this history.</p>`;
  const rows = m.faults.map((f) => [h(f.name), num(f.start, 6), f.stop === undefined ? "still active at end" : num(f.stop, 6)]);
  return htmlTable(["fault", "start s", "stop s"], rows, [1, 2]);
}

function throughputDetails(m: HistoryMetrics): string {
  const total = m.throughput.reduce(
    (t, p) => ({ sends: t.sends + p.sends, deliveries: t.deliveries + p.deliveries, settles: t.settles + p.settles }),
    { sends: 0, deliveries: 0, settles: 0 },
  );
  const rows = m.throughput.map((p) => [num(p.t, 6), num(p.sends, 0), num(p.deliveries, 0), num(p.settles, 0)]);
  return [
    `<p>Totals: ${num(total.sends, 0)} messages sent (ok), ${num(total.deliveries, 0)} deliveries, ${num(total.settles, 0)} settles (ok); buckets of ${num(m.bucketSeconds, 6)} s.</p>`,
    `<details><summary>Throughput buckets (${m.throughput.length})</summary>`,
    htmlTable(["bucket start s", "sends", "deliveries", "settles"], rows, [0, 1, 2, 3]),
    `</details>`,
  ].join("\n");
}

/** Metrics of the representative run, or a note saying why there are none. */
export function metricsBlock(index: number, m: HistoryMetrics | undefined, why: string): string {
  if (!m) return `<h3>Metrics</h3>\n<p class="muted">No history metrics: ${h(why)}.</p>`;
  const charts = [
    `<div class="charts">`,
    `<div class="chart-box"><h4>Throughput over time${m.faults.length ? " (faults shaded)" : ""}</h4><div class="chart" data-chart="throughput" data-suite="${index}"></div></div>`,
    `<div class="chart-box"><h4>Latency percentiles per op</h4><div class="chart" data-chart="latency" data-suite="${index}"></div></div>`,
    `</div>`,
  ].join("\n");
  return [
    `<h3>Metrics</h3>`,
    `<p>${num(m.ops, 0)} ops over ${num(m.durationMs)} ms of history time.</p>`,
    `<h4>Latency (invoke → completion)</h4>`,
    latencyTable(m),
    charts,
    `<h4>Fault windows</h4>`,
    faultTable(m),
    throughputDetails(m),
  ].join("\n");
}
