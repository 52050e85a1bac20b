import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64, type Histogram } from "hdr-histogram-js";
import type { SeriesSummary } from "../types.js";

/** A latency histogram in microseconds, 3 significant digits, up to 60 s (grows if needed). */
export function latencyHistogram(): Histogram {
  return build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3, autoResize: true });
}

/** Percentiles drawn in the report's percentile curves (x = log10(100 / (100 − p))). */
export const CURVE_PERCENTILES = [0, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 99.999] as const;

/** Records µs values (rounded, never negative) beside an exact min, mean and max. */
export class LatencyRecorder {
  readonly histogram = latencyHistogram();
  private sum = 0;
  private min = Infinity;
  private max = 0;

  record(us: number): void {
    const v = Math.max(0, Math.round(us));
    this.histogram.recordValue(v);
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  summary(): SeriesSummary {
    const h = this.histogram;
    const count = h.totalCount;
    // hdr answers with a bucket's highest equivalent value; never report more than the true max.
    const at = (p: number) => (count ? Math.min(h.getValueAtPercentile(p), this.max) : 0);
    return {
      count,
      unit: "us",
      min: count ? this.min : 0,
      mean: count ? Math.round(this.sum / count) : 0,
      p50: at(50),
      p90: at(90),
      p99: at(99),
      p999: at(99.9),
      p9999: at(99.99),
      max: this.max,
      histogram: encodeIntoCompressedBase64(h),
      curve: count ? [...CURVE_PERCENTILES.map((p): [number, number] => [p, p === 0 ? this.min : at(p)]), [100, this.max]] : [],
    };
  }
}

/** A series' histogram back from results.json. */
export function decodeHistogram(base64: string): Histogram {
  return decodeFromCompressedBase64(base64);
}

/** A percentile (µs) from a stored series, capped at its max; null when the series is empty. */
export function seriesPercentile(series: SeriesSummary, percentile: number): number | null {
  if (!series.count) return null;
  if (percentile >= 100) return series.max;
  return Math.min(decodeHistogram(series.histogram).getValueAtPercentile(percentile), series.max);
}
