import type { CellResult } from "../types.js";

/** The interval series written as CSV, one file each: publish latency, end-to-end, publish delay. */
export const CSV_SERIES = ["publish", "e2e", "delay"] as const;
export type CsvSeries = (typeof CSV_SERIES)[number];

const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/**
 * One row per cell and interval: cell, second (interval start since the measured phase began),
 * sent, acked, delivered, errors, p50 and p99 of the series in µs (empty when no samples).
 */
export function intervalCsv(cells: readonly CellResult[], series: CsvSeries): string {
  const lines = ["cell,mode,size,n,second,sent,acked,delivered,errors,p50_us,p99_us"];
  for (const c of cells) {
    if (series === "delay" && !c.delay) continue;
    for (const r of c.intervals) {
      const p50 = r[`${series}P50`];
      const p99 = r[`${series}P99`];
      lines.push([quote(c.id), c.mode, c.size, c.n, r.t, r.sent, r.acked, r.delivered, r.errors, p50 ?? "", p99 ?? ""].join(","));
    }
  }
  return `${lines.join("\n")}\n`;
}
