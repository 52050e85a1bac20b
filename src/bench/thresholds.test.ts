import { describe, expect, it } from "vitest";
import { UsageError } from "../core/errors.js";
import { LatencyRecorder } from "./measure/histogram.js";
import { evaluateThresholds, parseThreshold, percentileOf } from "./thresholds.js";
import type { CellResult } from "./types.js";

describe("parseThreshold", () => {
  it.each([
    ["publish.p99<50ms", { metric: "publish", stat: 99, op: "<", value: 50_000 }],
    ["e2e.p999<200ms", { metric: "e2e", stat: 99.9, op: "<", value: 200_000 }],
    ["publish.p9999 <= 1.5s", { metric: "publish", stat: 99.99, op: "<=", value: 1_500_000 }],
    ["delay.max<1ms", { metric: "delay", stat: 100, op: "<", value: 1_000 }],
    ["publish.p99.9<800us", { metric: "publish", stat: 99.9, op: "<", value: 800 }],
    ["e2e.mean<2ms", { metric: "e2e", stat: "mean", op: "<", value: 2_000 }],
    ["rate>=1000", { metric: "rate", op: ">=", value: 1000 }],
    ["mbps>10", { metric: "mbps", op: ">", value: 10 }],
    ["errors<=0", { metric: "errors", op: "<=", value: 0 }],
  ])("reads %s", (text, expected) => {
    expect(parseThreshold(text)).toMatchObject(expected);
  });

  it.each(["publish.p99<50", "publish.p99=50ms", "latency.p99<5ms", "rate>=fast", "publish.p0<1ms", "p99<5ms", "", "rate>=10ms"])("rejects %j with a UsageError (exit 3)", (text) => {
    expect(() => parseThreshold(text)).toThrow(UsageError);
  });

  it("names the missing unit", () => {
    expect(() => parseThreshold("publish.p99<50")).toThrow(/needs a unit/);
  });

  it("maps percentile shorthands", () => {
    expect([percentileOf("p50"), percentileOf("p999"), percentileOf("p9999"), percentileOf("p100"), percentileOf("p0")]).toEqual([50, 99.9, 99.99, 100, undefined]);
  });
});

function cell(id: string, latenciesUs: number[], extra: Partial<CellResult> = {}): CellResult {
  const rec = new LatencyRecorder();
  for (const v of latenciesUs) rec.record(v);
  const empty = new LatencyRecorder().summary();
  return { id, mode: "pipelined", size: 100, n: 10, antiPattern: false, achievedRate: 5000, mbPerSec: 0.5, errors: 0, publish: rec.summary(), e2e: empty, flags: [], ...extra } as CellResult;
}

describe("evaluateThresholds", () => {
  const fast = cell("pipelined/100/10", Array.from({ length: 100 }, () => 1_000));
  const slow = cell("pipelined/100/100", Array.from({ length: 100 }, (_, i) => (i < 95 ? 1_000 : 90_000)));
  const antiPattern = cell("fire-and-forget/100/0", [500_000], { antiPattern: true, mode: "fire-and-forget" });

  it("names every breaching cell and skips the fire-and-forget anti-pattern", () => {
    const [out] = evaluateThresholds([parseThreshold("publish.p99<50ms")], [fast, slow, antiPattern]);
    expect(out!.passed).toBe(false);
    expect(out!.breaches.map((b) => b.cell)).toEqual(["pipelined/100/100"]);
    expect(out!.breaches[0]!.detail).toMatch(/ms, limit < 50 ms/);
  });

  it("passes when every cell holds, and treats a series without samples as a breach", () => {
    const [ok, e2e, rate] = evaluateThresholds([parseThreshold("publish.p50<=2ms"), parseThreshold("e2e.p99<1s"), parseThreshold("rate>=1000")], [fast, slow]);
    expect(ok!.passed).toBe(true);
    expect(e2e!.passed).toBe(false);
    expect(e2e!.breaches[0]!.detail).toMatch(/no e2e samples/);
    expect(rate!.passed).toBe(true);
  });
});
