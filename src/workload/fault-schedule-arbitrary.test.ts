import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { faultScheduleArbitrary } from "./fault-schedule-arbitrary.js";

describe("fault schedules", () => {
  it("use only the requested faults, in sequential windows starting within the horizon", () => {
    fc.assert(
      fc.property(faultScheduleArbitrary({ names: ["latency", "reset-peer"], maxWindows: 5, horizonMs: 400 }), (steps) => {
        expect(steps.length).toBeGreaterThanOrEqual(1);
        expect(steps.length).toBeLessThanOrEqual(5);
        for (const s of steps) expect(["latency", "reset-peer"]).toContain(s.name);
        for (let i = 1; i < steps.length; i++) expect(steps[i]!.atMs).toBeGreaterThanOrEqual(steps[i - 1]!.atMs + steps[i - 1]!.durationMs);
        expect(steps[0]!.atMs).toBeLessThanOrEqual(400);
      }),
    );
  });

  it("shrinks a failing schedule to its mildest form: one offending window at the threshold, the rest minimal", () => {
    const result = fc.check(fc.property(faultScheduleArbitrary({ names: ["latency"], maxWindows: 4 }), (steps) => !steps.some((s) => (s.params?.latency ?? 0) > 100)), { seed: 3 });
    expect(result.failed).toBe(true);
    const steps = result.counterexample![0];
    expect(steps.filter((s) => s.params!.latency! > 100).map((s) => s.params!.latency)).toEqual([101]);
    for (const s of steps) expect(s.durationMs).toBe(10);
    for (const s of steps.filter((x) => x.params!.latency! <= 100)) expect(s.params).toEqual({ latency: 5, jitter: 0 });
  });
});

describe("fault schedules within the horizon", () => {
  it("start and end every window inside it, at least 10 ms long, with parameters inside their ranges", () => {
    fc.assert(
      fc.property(fc.integer({ min: 20, max: 5_000 }), fc.integer({ min: 1, max: 6 }), fc.integer(), (horizonMs, maxWindows, seed) => {
        const [steps] = fc.sample(faultScheduleArbitrary({ names: ["latency", "bandwidth", "cut", "kill"], maxWindows, horizonMs }), { numRuns: 1, seed });
        expect(steps!.length).toBeGreaterThanOrEqual(1);
        expect(steps!.length).toBeLessThanOrEqual(maxWindows);
        for (const s of steps!) {
          expect(s.atMs).toBeGreaterThanOrEqual(0);
          expect(s.durationMs).toBeGreaterThanOrEqual(10);
          expect(s.atMs + s.durationMs).toBeLessThanOrEqual(horizonMs);
          if (s.name === "latency") expect(s.params!.latency).toBeLessThanOrEqual(200);
          if (s.name === "cut" || s.name === "kill") expect(s.params).toBeUndefined();
        }
      }),
      { numRuns: 200 },
    );
  });

  it("shrinks a failure that needs two kinds of fault to exactly those two windows", () => {
    const result = fc.check(
      fc.property(faultScheduleArbitrary({ names: ["latency", "cut", "reset-peer"], maxWindows: 6, horizonMs: 2_000 }), (steps) => !(steps.some((s) => s.name === "cut") && steps.some((s) => s.name === "reset-peer"))),
      { seed: 5 },
    );
    expect(result.failed).toBe(true);
    const steps = result.counterexample![0];
    expect(steps.map((s) => s.name).sort()).toEqual(["cut", "reset-peer"]);
    expect(steps.every((s) => s.durationMs === 10)).toBe(true);
  });
});
