import type { NativeRun } from "../native/types.js";
import type { BenchRun } from "../types.js";
import { FLAG_TEXT, bestPerSize, generatorBehind, modeLabel, ms, nLabel, rate } from "./format.js";

function table(head: string[], rows: string[][], right: number[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) => r.map((c, i) => (right.includes(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ").trimEnd();
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/** The console summary: the matrix, the fastest honest mode per size, flags explained, thresholds. */
export function formatBenchText(run: BenchRun): string {
  const s = run.settings;
  const load = s.rate === undefined ? "max rate (closed loop per mode)" : `fixed rate ${rate(s.rate)} msgs/s per cell (open loop; latency from the intended send time)`;
  const out: string[] = [
    `gauntlet bench send-modes — ${run.broker} (${[run.versions.broker, run.versions.brokerVersion].filter(Boolean).join(" ") || "broker version unknown"}; ${run.versions.client}${run.versions.clientVersion ? ` ${run.versions.clientVersion}` : ""})`,
    `${load}; ${s.messages !== undefined ? `${s.messages} messages` : `${s.durationMs / 1000} s`} per cell after ${s.warmupMs / 1000} s warm-up; host ${run.host.cpus} × ${run.host.cpuModel}, Node ${run.host.node}`,
    "",
  ];
  const rows = run.cells.map((c) => [
    c.antiPattern ? "fire-and-forget (anti-pattern)" : c.mode,
    String(c.size),
    nLabel(c),
    rate(c.achievedRate),
    c.mbPerSec.toFixed(2),
    ms(c.publish.count ? c.publish.p50 : null),
    ms(c.publish.count ? c.publish.p99 : null),
    ms(c.publish.count ? c.publish.p999 : null),
    ms(c.e2e.count ? c.e2e.p99 : null),
    ms(c.delay?.count ? c.delay.p99 : null),
    c.flags.filter((f) => f !== "anti-pattern").join(","),
  ]);
  out.push(table(["mode", "size", "N", "msgs/s", "MB/s", "p50 ms", "p99 ms", "p999 ms", "e2e p99", "delay p99", "flags"], rows, [1, 2, 3, 4, 5, 6, 7, 8, 9]));
  out.push("", "N: in-flight limit (pipelined) or batch size (batched). Latency columns: publish (send → broker ack); e2e: send → delivered to the consumer.");
  const best = bestPerSize(run.cells);
  for (const [size, c] of best) out.push(`fastest honest mode for ${size} B: ${modeLabel(c)} — ${rate(c.achievedRate)} msgs/s, p99 ${ms(c.publish.p99)} ms`);
  if (run.cells.some((c) => c.antiPattern)) out.push(`fire-and-forget is measured only as the anti-pattern it is — ${FLAG_TEXT["anti-pattern"].replace(/^fire-and-forget: /, "")}.`);
  const behind = run.cells.filter(generatorBehind);
  if (behind.length) out.push(`WARNING: the generator could not keep up in ${behind.length} cell(s): ${behind.map((c) => c.id).join(", ")} — their numbers describe Gauntlet, not the broker.`);
  const used = [...new Set(run.cells.flatMap((c) => c.flags))].filter((f) => f !== "anti-pattern");
  for (const f of used) out.push(`  ${f}: ${FLAG_TEXT[f]}`);
  for (const t of run.thresholds) {
    out.push(t.passed ? `threshold ${t.expression}: pass` : `threshold ${t.expression}: BREACHED in ${t.breaches.length} cell(s): ${t.breaches.map((b) => `${b.cell} (${b.detail})`).join("; ")}`);
  }
  if (run.native) {
    out.push("", `native comparison (${run.native.toolVersion}, same broker and settings, run after Gauntlet's cells):`);
    for (const r of run.native.runs) {
      out.push(`  ${nativeLine(run.native.tool, r)}`);
      if (r.withConsumer) out.push(`    with Gauntlet's consumer reading in the same process (the matrix's cell ${r.withConsumer.gauntletCell}): ${Math.round(r.withConsumer.gauntletMsgsPerSec).toLocaleString("en-US")} msgs/s${r.withConsumer.ratio === null ? "" : ` = ${r.withConsumer.ratio.toFixed(2)} ×`}`);
      const timing = r.gauntletTiming ? { producerOnly: "yes (nothing consumed while measured)", measuredS: r.gauntletTiming.measuredS, warmupS: r.gauntletTiming.warmupS, readBackAfter: r.gauntletTiming.readBack } : { durationS: run.settings.durationMs / 1000, warmupS: run.settings.warmupMs / 1000 };
      out.push(`    gauntlet: ${settingsLine({ ...run.settings.client, ...timing })}`);
      out.push(`    ${run.native.tool}: ${settingsLine(r.settings)}`);
      if (r.suspect) out.push(`    WARNING, suspect comparison: ${r.suspect}`);
    }
    out.push(`  ratio = Gauntlet's msgs/s ÷ the native tool's; near 1 means the load generator is not the bottleneck (docs/benchmarks.md, "--native").`);
  }
  out.push("", `report: ${run.reportDir}`);
  return out.join("\n");
}

/** `key=value` pairs of one side's settings, for the side-by-side view. */
export function settingsLine(settings: Record<string, unknown>): string {
  return Object.entries(settings)
    .filter(([, v]) => v !== undefined && v !== null && typeof v !== "object")
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(" ");
}

/** "gauntlet 12,300 msgs/s = 0.84 × kafka-producer-perf-test 14,600 msgs/s". */
export function nativeLine(tool: string, run: NativeRun): string {
  const n = (v: number) => Math.round(v).toLocaleString("en-US");
  if (run.ratio === null || run.gauntletMsgsPerSec === null) return `${run.size} B: ${tool} ${n(run.msgsPerSec)} msgs/s (no comparable Gauntlet cell)`;
  return `${run.size} B: gauntlet ${n(run.gauntletMsgsPerSec)} msgs/s = ${run.ratio.toFixed(2)} × ${tool} ${n(run.msgsPerSec)} msgs/s   [gauntlet cell ${run.gauntletCell}]`;
}
