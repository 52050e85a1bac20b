import { describe, expect, it } from "vitest";
import { classifyMistakes } from "./mistakes.js";

const clean = { failedAttempts: [], durable: true };

describe("classifyMistakes names what went wrong", () => {
  it("a larger count is a duplicated effect, a missing one a lost effect", () => {
    expect(classifyMistakes({ a: 1, b: 2 }, { a: 2 }, clean).map((m) => [m.kind, m.path])).toEqual([
      ["effect duplicated", "$.a"],
      ["effect lost", "$.b"],
    ]);
  });
  it("the same elements in another order are a broken order; extra elements a duplicate", () => {
    expect(classifyMistakes({ h: ["m1", "m2"] }, { h: ["m2", "m1"] }, clean)[0]!.kind).toBe("order broken");
    expect(classifyMistakes({ h: ["m1"] }, { h: ["m1", "m1"] }, clean)[0]!.kind).toBe("effect duplicated");
  });
  it("a loss after a failed attempt, or with effects that do not survive a restart, says so", () => {
    expect(classifyMistakes({ a: 1 }, {}, { failedAttempts: ["m1"], durable: true })[0]!.kind).toBe("effect lost after a failed attempt");
    expect(classifyMistakes({ a: 1 }, { a: 0 }, { failedAttempts: [], durable: false })[0]!.kind).toBe("effect not durable across a restart");
  });
  it("equal snapshots have no mistake", () => {
    expect(classifyMistakes({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] }, clean)).toEqual([]);
  });
});
