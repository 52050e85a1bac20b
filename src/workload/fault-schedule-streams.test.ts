import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { faultScheduleArbitrary } from "./fault-schedule-arbitrary.js";

describe("fault schedules: toxic direction", () => {
  it("toxics get a stream from `streams` (both appear); process faults and cut never do; without `streams`, none does", () => {
    const withStreams = fc.sample(faultScheduleArbitrary({ names: ["timeout", "kill", "cut"], streams: ["downstream", "upstream"], horizonMs: 1_500, maxWindows: 6 }), { numRuns: 200, seed: 3 }).flat();
    const seen = new Set(withStreams.filter((s) => s.name === "timeout").map((s) => s.stream));
    expect(seen).toEqual(new Set(["downstream", "upstream"]));
    expect(withStreams.filter((s) => s.name !== "timeout").every((s) => s.stream === undefined)).toBe(true);
    const plain = fc.sample(faultScheduleArbitrary({ names: ["timeout", "latency"] }), { numRuns: 100, seed: 3 }).flat();
    expect(plain.every((s) => s.stream === undefined)).toBe(true);
  });
});
