import { UsageError } from "../core/errors.js";
import { seriesPercentile } from "./measure/histogram.js";
import type { CellResult, ThresholdOutcome } from "./types.js";

/**
 * Threshold gates, k6 style: `publish.p99<50ms`, `e2e.p999<=200ms`, `delay.max<1ms`,
 * `rate>=1000` (msgs/s), `mbps>=10` (MB/s), `errors<=0`. Latency series: publish, e2e, delay
 * (fixed rate only); statistics: pNN (p50, p99, p999 = 99.9, p9999 = 99.99, or p99.9), max, mean;
 * a latency needs a unit (us, ms, s). Every cell except the fire-and-forget anti-pattern must pass.
 */
export interface Threshold {
  expression: string;
  metric: "publish" | "e2e" | "delay" | "rate" | "mbps" | "errors";
  /** Percentile for latency series (100 = max), or "mean". */
  stat?: number | "mean";
  op: "<" | "<=" | ">" | ">=";
  /** In µs for latency, msgs/s, MB/s or a count otherwise. */
  value: number;
}

const LATENCY = /^(publish|e2e|delay)\.(p\d+(?:\.\d+)?|max|mean)\s*(<=|<|>=|>)\s*(\d+(?:\.\d+)?)\s*(us|µs|ms|s)?$/;
const SCALAR = /^(rate|mbps|errors)\s*(<=|<|>=|>)\s*(\d+(?:\.\d+)?)$/;
const EXAMPLES = "e.g. --threshold 'publish.p99<50ms', 'e2e.p999<200ms', 'rate>=1000', 'errors<=0'";
const UNIT_US = { us: 1, µs: 1, ms: 1_000, s: 1_000_000 } as const;

/** `p99` → 99, `p999` → 99.9, `p9999` → 99.99, `p99.9` → 99.9, `p50` → 50, `p100` → 100. */
export function percentileOf(stat: string): number | undefined {
  const digits = stat.slice(1);
  // Three or more digits without a point are 99.9… (p999, p9999) or p100; p101 is no percentile.
  if (!digits.includes(".") && digits.length > 2 && digits !== "100" && !digits.startsWith("99")) return undefined;
  const p = digits.includes(".") || digits.length <= 2 || digits === "100" ? Number(digits) : Number(`${digits.slice(0, 2)}.${digits.slice(2)}`);
  return Number.isFinite(p) && p > 0 && p <= 100 ? p : undefined;
}

export function parseThreshold(text: string): Threshold {
  const expression = text.trim();
  const lat = LATENCY.exec(expression);
  if (lat) {
    const [, metric, statText, op, num, unit] = lat;
    if (!unit) throw new UsageError(`--threshold: "${text}" needs a unit on ${num}`, `write ${metric}.${statText}${op}${num}ms (us, ms or s)`);
    const stat = statText === "max" ? 100 : statText === "mean" ? "mean" : percentileOf(statText!);
    if (stat === undefined) throw new UsageError(`--threshold: "${statText}" is not a percentile`, "use p50, p90, p99, p999, p9999, p99.9, max or mean");
    return { expression, metric: metric as Threshold["metric"], stat, op: op as Threshold["op"], value: Number(num) * UNIT_US[unit as keyof typeof UNIT_US] };
  }
  const sc = SCALAR.exec(expression);
  if (sc) return { expression, metric: sc[1] as Threshold["metric"], op: sc[2] as Threshold["op"], value: Number(sc[3]) };
  throw new UsageError(`--threshold: cannot read "${text}"`, EXAMPLES);
}

function holds(actual: number, op: Threshold["op"], limit: number): boolean {
  return op === "<" ? actual < limit : op === "<=" ? actual <= limit : op === ">" ? actual > limit : actual >= limit;
}

function measure(t: Threshold, cell: CellResult): number | null {
  switch (t.metric) {
    case "rate":
      return cell.achievedRate;
    case "mbps":
      return cell.mbPerSec;
    case "errors":
      return cell.errors;
    default: {
      const series = cell[t.metric];
      if (!series || series.count === 0) return null;
      return t.stat === "mean" ? series.mean : seriesPercentile(series, t.stat as number);
    }
  }
}

const show = (t: Threshold, v: number) => (["publish", "e2e", "delay"].includes(t.metric) ? `${Math.round(v) / 1000} ms` : String(v));

/** Evaluate on every cell except the anti-pattern; a series with no samples is a breach. */
export function evaluateThresholds(thresholds: readonly Threshold[], cells: readonly CellResult[]): ThresholdOutcome[] {
  return thresholds.map((t) => {
    const breaches: ThresholdOutcome["breaches"] = [];
    for (const cell of cells) {
      if (cell.antiPattern) continue;
      const v = measure(t, cell);
      if (v === null) breaches.push({ cell: cell.id, value: null, detail: `no ${t.metric} samples` });
      else if (!holds(v, t.op, t.value)) breaches.push({ cell: cell.id, value: v, detail: `${show(t, v)}, limit ${t.op} ${show(t, t.value)}` });
    }
    return { expression: t.expression, passed: breaches.length === 0, breaches };
  });
}
