import { describe, expect, it } from "vitest";
import { LatencyRecorder, decodeHistogram, seriesPercentile } from "./histogram.js";

describe("LatencyRecorder", () => {
  it("keeps a histogram that round-trips through compressed base64", () => {
    const rec = new LatencyRecorder();
    for (let i = 1; i <= 10_000; i++) rec.record(i % 1000 === 0 ? 250_000 : 100 + (i % 400));
    const s = rec.summary();
    const back = decodeHistogram(s.histogram);
    expect(back.totalCount).toBe(10_000);
    expect(s.count).toBe(10_000);
    for (const p of [50, 90, 99, 99.9]) expect(back.getValueAtPercentile(p)).toBe(rec.histogram.getValueAtPercentile(p));
    expect(s.max).toBe(250_000);
    expect(s.min).toBe(100);
    expect(seriesPercentile(s, 99.95)).toBe(Math.min(back.getValueAtPercentile(99.95), s.max));
    expect(s.curve.at(-1)).toEqual([100, 250_000]);
  });

  it("summarises an empty series as empty, never as zero latency samples", () => {
    const s = new LatencyRecorder().summary();
    expect(s.count).toBe(0);
    expect(s.curve).toEqual([]);
    expect(seriesPercentile(s, 99)).toBeNull();
  });
});
