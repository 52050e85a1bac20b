import { describe, expect, it } from "vitest";
import type { QueueSpec } from "../core/entities.js";
import { MAX_DELIVERY_REASON, deadLetter } from "./dead-letter.js";
import { HistoryBuilder, delivery } from "./history-builder.test-helper.js";

const builder = (extra: Partial<QueueSpec> = {}) =>
  new HistoryBuilder({ broker: "test", entities: [{ kind: "queue", name: "q", lockDurationMs: 1, ...extra }] });
const check = (b: HistoryBuilder) => deadLetter.check(b.ops, { setup: b.setup });
const m1 = (token: string) => ({ id: "m1", entity: "q", lockToken: token });
const inDlq = (reason: string, count: number | null = 1) => delivery("m1", "q", count, undefined, { dlq: true, deadLetterReason: reason });

/** m1 received once and explicitly dead-lettered with reason "poison". */
const deadLettered = () =>
  builder().send("p1", "q", ["m1"]).receive("c1", "q", [delivery("m1", "q", 1, "t1")]).settle("c1", "dead-letter", m1("t1"), "ok", "poison").drain("q", false);

describe("dead-letter", () => {
  it("requires an acknowledged dead-letter to reach the drained DLQ, and is unknown without that drain", () => {
    const pending = check(deadLettered());
    expect(pending.valid).toBe("unknown");
    expect(pending.reason).toContain("q#dlq");
    expect(Object.keys(check(deadLettered().drain("q", true)).anomalies)).toEqual(["dlq-missing"]);
    expect(check(deadLettered().drain("q", true, [inDlq("poison")])).valid).toBe(true);
  });

  it("reports a changed dead-letter reason", () => {
    const r = check(deadLettered().drain("q", true, [inDlq("something-else")]));
    expect(Object.keys(r.anomalies)).toEqual(["dlq-reason-mismatch"]);
    expect(r.anomalies["dlq-reason-mismatch"]![0]).toMatchObject({ expected: "poison", actual: "something-else" });
  });

  it("reports a delivery beyond the limit", () => {
    const b = builder({ maxDeliveryCount: 1 })
      .send("p1", "q", ["m1"])
      .receive("c1", "q", [delivery("m1", "q", 1, "t1")])
      .settle("c1", "abandon", m1("t1"))
      .receive("c1", "q", [delivery("m1", "q", 2, "t2")])
      .settle("c1", "complete", m1("t2"));
    const r = check(b);
    expect(Object.keys(r.anomalies)).toEqual(["dlq-missing"]);
    expect(r.anomalies["dlq-missing"]![0]!.indexes).toEqual([5, 9]);
  });

  it("reports a completed message that also shows up in the DLQ", () => {
    const b = builder({ maxDeliveryCount: 1 })
      .send("p1", "q", ["m1"])
      .receive("c1", "q", [delivery("m1", "q", 1, "t1")])
      .settle("c1", "complete", m1("t1"))
      .drain("q", false)
      .drain("q", true, [inDlq(MAX_DELIVERY_REASON)]);
    expect(Object.keys(check(b).anomalies)).toEqual(["dlq-unexpected"]);
  });

  it("reaching the limit without completion must end in a drained DLQ once the last lock is over", () => {
    const reached = () =>
      builder({ maxDeliveryCount: 1 }).send("p1", "q", ["m1"]).receive("c1", "q", [delivery("m1", "q", 1, "t1")]).drain("q", false);
    // The DLQ drained while the lock (until ~1.25 ms) might still be held: nothing provable.
    expect(check(reached().drain("q", true)).valid).toBe(true);
    expect(Object.keys(check(reached().at(3_000_000).drain("q", true)).anomalies)).toEqual(["dlq-missing"]);
    expect(check(reached().at(3_000_000).drain("q", true, [inDlq(MAX_DELIVERY_REASON)])).valid).toBe(true);
  });

  it("is not applicable without limits, dead-letter settles or DLQ entries", () => {
    const b = builder().send("p1", "q", ["m1"]).receive("c1", "q", [delivery("m1", "q", 1)], "receive-and-delete");
    expect(check(b)).toMatchObject({ valid: true, notApplicable: true });
  });
});
