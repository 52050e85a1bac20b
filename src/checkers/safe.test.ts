import { describe, expect, it } from "vitest";
import type { Checker } from "../core/checker.js";
import { UsageError } from "../core/errors.js";
import { EXAMPLE_CAP, type CheckResult } from "../core/result.js";
import { compose, mergeResults } from "./compose.js";
import { HistoryBuilder } from "./history-builder.test-helper.js";
import { CHECKERS, checkerByName } from "./registry.js";
import { checkSafely } from "./safe.js";
import { viewOf } from "./view.js";

const history = () => new HistoryBuilder({ broker: "test", entities: [{ kind: "queue", name: "q" }] }).send("p1", "q", ["m1"]).drain("q", false);
const fixed = (name: string, result: CheckResult): Checker => ({ name, description: name, anomalies: [], check: () => result });
const throwing: Checker = { name: "boom", description: "throws", anomalies: [], check: () => { throw new Error("kaput"); } };

describe("checkSafely", () => {
  it("turns an exception into unknown with the error", () => {
    const r = checkSafely(throwing, history().ops);
    expect(r).toMatchObject({ valid: "unknown", anomalies: {}, counts: {} });
    expect(r.error).toContain("kaput");
    expect(r.reason).toContain("boom");
  });

  it("is unknown for an empty history and for one without sends", () => {
    expect(checkSafely(CHECKERS["at-least-once"]!, [])).toMatchObject({ valid: "unknown", reason: expect.stringContaining("empty") });
    const noSends = new HistoryBuilder({ broker: "test", entities: [] }).drain("q", false).ops;
    expect(checkSafely(CHECKERS["at-least-once"]!, noSends)).toMatchObject({ valid: "unknown", reason: expect.stringContaining("no send") });
  });

  it("treats a checker that returns nothing as unknown", () => {
    expect(checkSafely(fixed("empty", undefined as unknown as CheckResult), history().ops).valid).toBe("unknown");
  });
});

describe("compose", () => {
  const ok: CheckResult = { valid: true, anomalies: {}, counts: { redelivered: 2 } };
  const bad: CheckResult = { valid: false, anomalies: { lost: Array.from({ length: 6 }, (_, i) => ({ indexes: [i], explanation: "x." })) }, counts: { lost: 6, redelivered: 1 } };
  const unsure: CheckResult = { valid: "unknown", anomalies: {}, counts: {}, reason: "no drain" };
  const na: CheckResult = { valid: "unknown", anomalies: {}, counts: {}, notApplicable: true };

  it("lets false beat unknown beat true and ignores not-applicable results", () => {
    expect(mergeResults({ a: ok, b: unsure, c: bad }).valid).toBe(false);
    expect(mergeResults({ a: ok, b: unsure }).valid).toBe("unknown");
    expect(mergeResults({ a: ok, n: na }).valid).toBe(true);
    expect(mergeResults({ a: ok, b: unsure }).reason).toBe("b: no drain");
  });

  it("merges anomalies (capped) and counts (summed)", () => {
    const r = mergeResults({ a: bad, b: { ...bad }, c: ok });
    expect(r.anomalies.lost).toHaveLength(EXAMPLE_CAP);
    expect(r.counts).toEqual({ lost: 12, redelivered: 4 });
    expect(Object.keys(r.results)).toEqual(["a", "b", "c"]);
  });

  it("runs each checker safely and keeps its result under its name", () => {
    const r = compose([throwing, fixed("fine", ok)], history().ops);
    expect(r.results.boom!.valid).toBe("unknown");
    expect(r.results.fine!.valid).toBe(true);
    expect(r.valid).toBe("unknown");
    expect(r.error).toContain("kaput");
  });

  it("builds one view per history and rebuilds it when the history grows", () => {
    const b = history();
    const v = viewOf(b.ops);
    expect(viewOf(b.ops, { setup: v.setup })).toBe(v);
    b.send("p1", "q", ["m2"]);
    expect(viewOf(b.ops)).not.toBe(v);
    expect(viewOf(b.ops).sends).toHaveLength(2);
  });
});

describe("registry", () => {
  it("finds every checker by its name and rejects unknown names with the list", () => {
    expect(Object.keys(CHECKERS)).toEqual(["at-least-once", "duplicates", "ordering-per-key", "key-exclusive", "lock-expiry", "dead-letter", "at-most-once", "failover", "kafka-log", "claim-check-hashes", "claim-check-dangling", "claim-check-orphans", "claim-check-threshold"]);
    for (const [name, c] of Object.entries(CHECKERS)) expect(checkerByName(name)).toBe(c);
    expect(() => checkerByName("nope")).toThrow(UsageError);
    expect(() => checkerByName("nope")).toThrow(/unknown checker "nope"/);
  });
});
