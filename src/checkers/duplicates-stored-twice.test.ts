import { describe, expect, it } from "vitest";
import { duplicates } from "./duplicates.js";
import { HistoryBuilder } from "./history-builder.test-helper.js";

// A message stored twice by a client-internal retry (no resend in the history) shows up as two
// broker ids for one id; that is a producer duplicate, not a redelivery after complete.
describe("duplicates: two broker ids for one message id", () => {
  const build = (exactlyOnce: boolean, secondBrokerId: string) => {
    const b = new HistoryBuilder({ broker: "test", entities: [{ kind: "queue", name: "q", lockDurationMs: 1 }], claims: exactlyOnce ? { exactlyOnce: true } : {} });
    const first = { id: "m1", entity: "q", brokerId: "0:5", lockToken: "0:5" };
    const second = { id: "m1", entity: "q", brokerId: secondBrokerId, lockToken: secondBrokerId };
    b.send("p1", "q", ["m1"]);
    b.receive("c1", "q", [first]).settle("c1", "complete", first);
    b.receive("c1", "q", [second]).settle("c1", "complete", second);
    b.drain("q", false).drain("q", true);
    return b;
  };
  const check = (b: HistoryBuilder) => duplicates.check(b.ops, { setup: b.setup });

  it("is named duplicated / duplicate-stored (not blamed on a producer retry: one send, no retry) under an exactly-once claim", () => {
    const r = check(build(true, "0:6"));
    expect(r.valid).toBe(false);
    expect(Object.keys(r.anomalies ?? {}).sort()).toEqual(["duplicate-stored", "duplicated"]);
  });

  it("is named duplicate-producer when the history shows the producer retrying", () => {
    const b = build(true, "0:6");
    const retried = new HistoryBuilder(b.setup);
    retried.send("p1", "q", ["m1"], "info").send("p1.1", "q", ["m1"], "ok", true);
    for (const op of b.ops.slice(4)) retried.op(op.process, op.type, op.f, op.value);
    expect(Object.keys(check(retried).anomalies).sort()).toEqual(["duplicate-producer", "duplicated"]);
  });

  it("is counted, not failed, without the claim; never called a redelivery after complete", () => {
    const r = check(build(false, "0:6"));
    expect(r.valid).toBe(true);
    expect(r.anomalies?.["duplicate-redelivery"]).toBeUndefined();
  });

  it("the same broker id delivered after its complete is still a duplicate redelivery", () => {
    const r = check(build(false, "0:5"));
    expect(r.valid).toBe(false);
    expect(Object.keys(r.anomalies ?? {})).toContain("duplicate-redelivery");
  });

  it("a delivery a client buffered (its lock stamp predates the complete) is a redelivery, not a duplicate after complete", () => {
    const b = new HistoryBuilder({ broker: "test", entities: [{ kind: "queue", name: "q", lockDurationMs: 1 }], claims: {} });
    b.send("p1", "q", ["m1"]);
    // c2's copy was stamped at t=0.5 ms (locked until 1.5 ms) but its receive call returned only after c1's complete.
    const stale = { id: "m1", entity: "q", brokerId: "7", lockToken: "t2", lockedUntil: 1.5e6 };
    const fresh = { id: "m1", entity: "q", brokerId: "7", lockToken: "t1" };
    b.receive("c1", "q", [fresh]).settle("c1", "complete", fresh);
    b.receive("c2", "q", [stale]);
    b.drain("q", false).drain("q", true);
    const r = check(b);
    expect(r.anomalies?.["duplicate-redelivery"]).toBeUndefined();
    expect(r.valid).toBe(true);
  });
});
