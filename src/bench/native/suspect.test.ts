import { describe, expect, it } from "vitest";
import { settingsLine } from "../report/text.js";
import { suspectIf } from "./index.js";

const cell = (over: Partial<{ flags: string[]; mode: string; n: number; measuredMs: number }> = {}) => ({ flags: [], mode: "pipelined", n: 100, measuredMs: 2_000, ...over }) as never;

describe("native comparisons that cannot be trusted say so", () => {
  it("is silent between 0.5 and 1.5 and without a comparable cell", () => {
    expect(suspectIf(0.5, cell(), { settings: {} })).toEqual({});
    expect(suspectIf(1.5, cell(), { settings: {} })).toEqual({});
    expect(suspectIf(null, undefined, { settings: {} })).toEqual({});
  });

  it("above 1.5 names a short JVM run and a smaller in-flight window", () => {
    const { suspect } = suspectIf(2.12, cell({ n: 100 }), { settings: { seconds: 3, maxUnconfirmed: 10 } });
    expect(suspect).toMatch(/ratio 2\.12 > 1\.5/);
    expect(suspect).toMatch(/ran 3 s.*warming up/);
    expect(suspect).toMatch(/in-flight window \(10\) is smaller than the cell's \(100\)/);
  });

  it("below 0.5 names the generator when the cell was flagged, and the client library", () => {
    const { suspect } = suspectIf(0.43, cell({ flags: ["behind-schedule"] }), { settings: {} });
    expect(suspect).toMatch(/ratio 0\.43 < 0\.5/);
    expect(suspect).toMatch(/generator fell behind/);
    expect(suspectIf(0.43, cell(), { settings: {} }).suspect).not.toMatch(/generator fell behind/);
    expect(suspect).toMatch(/also consumes every message in the same process/);
    expect(suspectIf(0.43, cell(), { settings: { consumer: "-y 1" } }).suspect).not.toMatch(/also consumes/);
  });

  it("prints one side's scalar settings as key=value", () => {
    expect(settingsLine({ acks: "all", idempotent: true, nested: { a: 1 }, none: undefined })).toBe("acks=all idempotent=true");
  });
});
