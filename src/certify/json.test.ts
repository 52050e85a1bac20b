import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { diffJson, formatDiffEntry, jsonEqual, nonJsonPath } from "./json.js";
import type { Json } from "./types.js";

describe("snapshot comparison", () => {
  test.prop([fc.jsonValue()])("a JSON value equals its clone and has no diff", (v) => {
    expect(diffJson(v as Json, structuredClone(v) as Json)).toEqual([]);
  });

  it("ignores object key order", () => {
    expect(jsonEqual({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
  });

  it("lists differing paths with both values, and missing sides", () => {
    const diff = diffJson({ balances: { k1: 1 }, history: { k1: ["m1"] } }, { balances: { k1: 2, k2: 1 }, history: { k1: ["m1", "m1"] } });
    expect(diff.map(formatDiffEntry)).toEqual([
      "balances.k1: expected 1, actual 2",
      "balances.k2: expected (missing), actual 1",
      'history.k1[1]: expected (missing), actual "m1"',
    ]);
  });

  it("diffs scalars at the root and quotes odd keys", () => {
    expect(diffJson(1, 2)).toEqual([{ path: "$", expected: 1, actual: 2 }]);
    expect(diffJson({ "a b": 1 }, { "a b": 2 })[0]?.path).toBe('$["a b"]');
  });

  it("caps the number of entries", () => {
    expect(diffJson(Array.from({ length: 50 }, () => 0), Array.from({ length: 50 }, () => 1), 5)).toHaveLength(5);
  });

  it("finds where a value stops being plain JSON", () => {
    expect(nonJsonPath({ a: [1, "x", null, { b: true }] })).toBeUndefined();
    expect(nonJsonPath({ a: [1, undefined] })).toBe("a[1]");
    expect(nonJsonPath({ at: new Date() })).toBe("at");
    expect(nonJsonPath(Number.NaN)).toBe("$");
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(nonJsonPath(cyclic)).toBe("self");
  });
});
