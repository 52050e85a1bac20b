import type { BenchRun, CellResult } from "./types.js";

/** One statistic of a matched cell: A, B, the difference and its percentage. */
export interface Delta {
  a: number;
  b: number;
  diff: number;
  /** (b − a) / a × 100; null when a is 0. */
  pct: number | null;
  regression: boolean;
}

export interface CellComparison {
  cell: string;
  mode: string;
  size: number;
  n: number;
  rate: Delta;
  /** Publish latency, ms. */
  p50: Delta;
  p99: Delta;
  p999: Delta;
}

export interface Comparison {
  a: { runId: string; broker: string; startedAt: string };
  b: { runId: string; broker: string; startedAt: string };
  tolerancePct: number;
  cells: CellComparison[];
  onlyInA: string[];
  onlyInB: string[];
  regressions: number;
}

const key = (c: Pick<CellResult, "mode" | "size" | "n">) => `${c.mode}/${c.size}/${c.n}`;

/** A delta where "worse" is lower (throughput) or higher (latency) by more than the tolerance. */
export function delta(a: number, b: number, higherIsBetter: boolean, tolerancePct: number): Delta {
  const diff = Math.round((b - a) * 1000) / 1000;
  const pct = a === 0 ? null : Math.round(((b - a) / a) * 1000) / 10;
  const worse = higherIsBetter ? b < a : b > a;
  const regression = worse && (pct === null ? diff !== 0 : Math.abs(pct) > tolerancePct);
  return { a, b, diff, pct, regression };
}

/**
 * Match cells by (mode, size, N) and compare msgs/s and publish p50/p99/p999. A regression is
 * a throughput drop or a latency rise beyond `tolerancePct`; the anti-pattern is compared but
 * never counted as a regression.
 */
export function compareRuns(a: BenchRun, b: BenchRun, tolerancePct = 10): Comparison {
  const inB = new Map(b.cells.map((c) => [key(c), c]));
  const cells: CellComparison[] = [];
  for (const ca of a.cells) {
    const cb = inB.get(key(ca));
    if (!cb) continue;
    const ms = (us: number) => us / 1000;
    const row: CellComparison = {
      cell: key(ca),
      mode: ca.mode,
      size: ca.size,
      n: ca.n,
      rate: delta(ca.achievedRate, cb.achievedRate, true, tolerancePct),
      p50: delta(ms(ca.publish.p50), ms(cb.publish.p50), false, tolerancePct),
      p99: delta(ms(ca.publish.p99), ms(cb.publish.p99), false, tolerancePct),
      p999: delta(ms(ca.publish.p999), ms(cb.publish.p999), false, tolerancePct),
    };
    if (ca.antiPattern) for (const d of [row.rate, row.p50, row.p99, row.p999]) d.regression = false;
    cells.push(row);
  }
  const aKeys = new Set(a.cells.map(key));
  const meta = (r: BenchRun) => ({ runId: r.runId, broker: r.broker, startedAt: r.startedAt });
  return {
    a: meta(a),
    b: meta(b),
    tolerancePct,
    cells,
    onlyInA: a.cells.map(key).filter((k) => !inB.has(k)),
    onlyInB: b.cells.map(key).filter((k) => !aKeys.has(k)),
    regressions: cells.filter((c) => [c.rate, c.p50, c.p99, c.p999].some((d) => d.regression)).length,
  };
}
