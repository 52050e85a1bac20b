import { createHistogram, type RecordableHistogram } from "node:perf_hooks";
import type { IntervalRow } from "../types.js";

type Series = "publish" | "e2e" | "delay";

interface Bucket {
  sent: number;
  acked: number;
  delivered: number;
  errors: number;
  hist: Partial<Record<Series, RecordableHistogram>>;
}

/**
 * Per-interval counts and p50/p99 of a cell's measured phase. Every event goes into the bucket of
 * the moment it happened (a send when started, an ack when it arrived, a delivery when received),
 * like OMB's periodic stats; buckets after the window hold the tail of acks and deliveries.
 */
export class IntervalSeries {
  private readonly buckets: Bucket[] = [];

  constructor(
    private readonly startNs: number,
    readonly intervalNs: number,
  ) {}

  private at(tNs: number): Bucket | undefined {
    if (tNs < this.startNs) return undefined;
    const i = Math.floor((tNs - this.startNs) / this.intervalNs);
    for (let j = this.buckets.length; j <= i; j++) this.buckets.push({ sent: 0, acked: 0, delivered: 0, errors: 0, hist: {} });
    return this.buckets[i];
  }

  count(kind: "sent" | "acked" | "delivered" | "errors", tNs: number, n = 1): void {
    const b = this.at(tNs);
    if (b) b[kind] += n;
  }

  latency(series: Series, tNs: number, us: number): void {
    const b = this.at(tNs);
    if (!b) return;
    const h = (b.hist[series] ??= createHistogram({ lowest: 1, highest: 3_600_000_000, figures: 3 }));
    h.record(Math.max(1, Math.round(us)));
  }

  rows(): IntervalRow[] {
    const seconds = this.intervalNs / 1e9;
    return this.buckets.map((b, i) => {
      const row: IntervalRow = { t: Math.round(i * seconds * 1000) / 1000, sent: b.sent, acked: b.acked, delivered: b.delivered, errors: b.errors };
      for (const s of ["publish", "e2e", "delay"] as const) {
        const h = b.hist[s];
        if (!h || h.count === 0) continue;
        row[`${s}P50`] = h.percentile(50);
        row[`${s}P99`] = h.percentile(99);
      }
      return row;
    });
  }
}
