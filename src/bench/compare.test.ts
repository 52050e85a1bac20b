import { describe, expect, it } from "vitest";
import { compareRuns, delta } from "./compare.js";
import type { BenchRun, CellResult } from "./types.js";

const series = (p50: number, p99: number, p999: number) => ({ count: 10, unit: "us", min: 1, mean: p50, p50, p90: p99, p99, p999, p9999: p999, max: p999, histogram: "", curve: [] });

function cellOf(mode: CellResult["mode"], size: number, n: number, rate: number, p: [number, number, number]): CellResult {
  return { id: `${mode}/${size}/${n}`, mode, size, n, antiPattern: mode === "fire-and-forget", achievedRate: rate, publish: series(...p) } as unknown as CellResult;
}
const run = (id: string, cells: CellResult[]) => ({ gauntlet: "bench", runId: id, broker: "memory://", startedAt: "t", cells }) as unknown as BenchRun;

describe("delta", () => {
  it("computes absolute and percentage differences", () => {
    expect(delta(1000, 1200, true, 10)).toEqual({ a: 1000, b: 1200, diff: 200, pct: 20, regression: false });
    expect(delta(1000, 850, true, 10)).toMatchObject({ diff: -150, pct: -15, regression: true });
    expect(delta(2, 2.1, false, 10)).toMatchObject({ pct: 5, regression: false });
    expect(delta(2, 3, false, 10)).toMatchObject({ diff: 1, pct: 50, regression: true });
    expect(delta(0, 1, false, 10)).toMatchObject({ pct: null, regression: true });
  });
});

describe("compareRuns", () => {
  const a = run("A", [cellOf("sequential", 100, 1, 1000, [1000, 2000, 3000]), cellOf("pipelined", 100, 10, 8000, [1000, 2000, 3000]), cellOf("batched", 100, 10, 9000, [1, 2, 3]), cellOf("fire-and-forget", 100, 0, 50000, [1, 2, 3])]);
  const b = run("B", [cellOf("sequential", 100, 1, 1010, [1000, 2000, 3000]), cellOf("pipelined", 100, 10, 6000, [1000, 4000, 3000]), cellOf("pipelined", 100, 100, 1, [1, 1, 1]), cellOf("fire-and-forget", 100, 0, 1, [9, 9, 9])]);
  const c = compareRuns(a, b, 10);

  it("matches cells by mode, size and N", () => {
    expect(c.cells.map((x) => x.cell)).toEqual(["sequential/100/1", "pipelined/100/10", "fire-and-forget/100/0"]);
    expect(c.onlyInA).toEqual(["batched/100/10"]);
    expect(c.onlyInB).toEqual(["pipelined/100/100"]);
  });

  it("marks regressions (throughput down, latency up) beyond the tolerance, never on the anti-pattern", () => {
    const pipelined = c.cells[1]!;
    expect(pipelined.rate).toMatchObject({ diff: -2000, pct: -25, regression: true });
    expect(pipelined.p99).toMatchObject({ a: 2, b: 4, diff: 2, pct: 100, regression: true });
    expect(pipelined.p50.regression).toBe(false);
    expect(c.cells[0]!.rate.regression).toBe(false);
    expect(c.cells[2]!.rate.regression).toBe(false);
    expect(c.regressions).toBe(1);
  });
});
