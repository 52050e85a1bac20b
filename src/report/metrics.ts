/** Latency percentiles, throughput over time and fault windows derived from a history. */
import { build, type Histogram } from "hdr-histogram-js";
import type { FaultValue, Op, ReceiveValue, SendValue } from "../core/history.js";
import type { HistoryMetrics, LatencySummary, ThroughputPoint } from "../core/run.js";
import { pairOps } from "../history/views.js";

/** Op kinds whose invoke → completion latency is measured. */
export const LATENCY_OPS = ["send", "receive", "settle", "renew", "drain"] as const;

const NS_PER_US = 1_000;
const NS_PER_S = 1_000_000_000;
/** Throughput buckets never get wider than this many. */
export const MAX_BUCKETS = 100;

/** Collects exact mean and max beside the histogram (hdr reports bucket-equivalent values). */
class LatencyRecorder {
  private readonly histogram: Histogram = build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
    autoResize: true,
  });
  private sum = 0;
  private max = 0;

  record(us: number): void {
    this.histogram.recordValue(us);
    this.sum += us;
    if (us > this.max) this.max = us;
  }

  summary(): LatencySummary {
    const h = this.histogram;
    const count = h.totalCount;
    const ms = (us: number) => Math.round(us) / 1000;
    // hdr answers with a bucket's highest equivalent value; never report a percentile above the true max.
    const at = (p: number) => ms(Math.min(h.getValueAtPercentile(p), this.max));
    return {
      count,
      p50: at(50),
      p90: at(90),
      p99: at(99),
      p999: at(99.9),
      max: ms(this.max),
      mean: count === 0 ? 0 : Math.round(this.sum / count) / 1000,
    };
  }
}

/**
 * Throughput bucket width for a span: the narrowest 1-2-5 × 10^k seconds (k ≥ -6) that
 * covers `spanNs` in at most MAX_BUCKETS buckets, which yields 40–100 buckets for any span ≥ 40 µs.
 */
export function bucketWidthSeconds(spanNs: number): number {
  for (let exp = -6; exp < 12; exp++) {
    for (const mantissa of [1, 2, 5]) {
      const width = Number(`${mantissa}e${exp}`);
      if (Math.floor(Math.max(0, spanNs) / Math.round(width * NS_PER_S)) + 1 <= MAX_BUCKETS) return width;
    }
  }
  return 1e12;
}

/**
 * Metrics of one run's history (`time` in ns since the run started; split multi-run files first). Latency counts every
 * completed op (ok, fail and info alike: the caller waited that long); ops that never completed
 * are left out. Throughput counts, per bucket of completion time, messages of ok sends,
 * deliveries of ok receives and drains, and ok settles.
 */
export function historyMetrics(ops: readonly Op[]): HistoryMetrics {
  let minTime = Infinity;
  let maxTime = 0;
  for (const op of ops) {
    if (op.time < minTime) minTime = op.time;
    if (op.time > maxTime) maxTime = op.time;
  }
  if (ops.length === 0) minTime = 0;

  const width = bucketWidthSeconds(maxTime);
  const widthNs = Math.round(width * NS_PER_S);
  const buckets = Math.floor(maxTime / widthNs) + 1;
  const throughput: ThroughputPoint[] = Array.from({ length: ops.length === 0 ? 0 : buckets }, (_, i) => ({
    t: Number((i * width).toFixed(9)),
    sends: 0,
    deliveries: 0,
    settles: 0,
  }));
  const bucketAt = (time: number) => throughput[Math.min(buckets - 1, Math.max(0, Math.floor(time / widthNs)))];

  const recorders = new Map<string, LatencyRecorder>();
  const faults: HistoryMetrics["faults"] = [];
  const open = new Map<string, HistoryMetrics["faults"][number]>();

  pairOps(ops, (p) => {
    const done = p.complete;
    if (p.f === "fault") {
      if (p.type === "fail") return; // the fault definitely did not happen
      const v = (p.invoke.value ?? done?.value) as Partial<FaultValue> | undefined;
      if (!v || typeof v.name !== "string") return;
      if (v.phase === "start" && !open.has(v.name)) {
        const window = { name: v.name, start: p.invoke.time / NS_PER_S };
        open.set(v.name, window);
        faults.push(window);
      } else if (v.phase === "stop") {
        const window = open.get(v.name);
        if (window) window.stop = (done ?? p.invoke).time / NS_PER_S;
        open.delete(v.name);
      }
      return;
    }
    if (!done) return;
    if ((LATENCY_OPS as readonly string[]).includes(p.f) && done !== p.invoke) {
      let rec = recorders.get(p.f);
      if (!rec) recorders.set(p.f, (rec = new LatencyRecorder()));
      rec.record(Math.max(0, Math.round((done.time - p.invoke.time) / NS_PER_US)));
    }
    if (p.type !== "ok") return;
    const bucket = bucketAt(done.time);
    if (!bucket) return;
    if (p.f === "send") {
      const v = (p.invoke.value ?? done.value) as Partial<SendValue> | undefined;
      bucket.sends += Array.isArray(v?.messages) ? v.messages.length : 0;
    } else if (p.f === "receive" || p.f === "drain") {
      const v = done.value as Partial<ReceiveValue> | undefined;
      bucket.deliveries += Array.isArray(v?.deliveries) ? v.deliveries.length : 0;
    } else if (p.f === "settle") {
      bucket.settles += 1;
    }
  });

  const latency: Record<string, LatencySummary> = {};
  for (const f of LATENCY_OPS) {
    const rec = recorders.get(f);
    if (rec) latency[f] = rec.summary();
  }
  faults.sort((a, b) => a.start - b.start);
  return {
    ops: ops.length,
    durationMs: ops.length === 0 ? 0 : Math.round((maxTime - minTime) / 1000) / 1000,
    latency,
    throughput,
    bucketSeconds: width,
    faults,
  };
}
