import { describe, expect, it } from "vitest";
import { duplicates } from "./duplicates.js";
import { HistoryBuilder, delivery } from "./history-builder.test-helper.js";

const builder = (exactlyOnce = false) =>
  new HistoryBuilder({ broker: "test", entities: [{ kind: "queue", name: "q", lockDurationMs: 1 }], claims: { exactlyOnce } });
const check = (b: HistoryBuilder) => duplicates.check(b.ops, { setup: b.setup });

/** m1 sent twice (timeout, then retry), stored twice as broker messages 1 and 2, each completed. */
function producerRetry(exactlyOnce: boolean): HistoryBuilder {
  return builder(exactlyOnce)
    .send("p1", "q", ["m1"], "info")
    .send("p1.1", "q", ["m1"], "ok", true)
    .receive("c1", "q", [delivery("m1", "q", 1, "t1", { brokerId: "1" })])
    .settle("c1", "complete", { id: "m1", entity: "q", lockToken: "t1" })
    .receive("c1", "q", [delivery("m1", "q", 1, "t2", { brokerId: "2" })])
    .settle("c1", "complete", { id: "m1", entity: "q", lockToken: "t2" })
    .drain("q", false);
}

describe("duplicates", () => {
  it("counts a producer retry's second message, failing only under exactly-once", () => {
    const r = check(producerRetry(false));
    expect(r.valid).toBe(true);
    expect(r.counts).toMatchObject({ "duplicate-producer": 1, duplicated: 1 });
    expect(r.counts["duplicate-redelivery"]).toBeUndefined();
    const strict = check(producerRetry(true));
    expect(strict.valid).toBe(false);
    expect(Object.keys(strict.anomalies).sort()).toEqual(["duplicate-producer", "duplicated"]);
  });

  it("flags a delivery after a receive-and-delete", () => {
    const b = builder()
      .send("p1", "q", ["m1"])
      .receive("c1", "q", [delivery("m1", "q", 1)], "receive-and-delete")
      .receive("c2", "q", [delivery("m1", "q", 2)], "receive-and-delete");
    const r = check(b);
    expect(r.valid).toBe(false);
    expect(r.anomalies["duplicate-redelivery"]![0]!.indexes).toEqual([5, 7]);
  });

  it("treats a redelivery after an abandon as an allowed redelivery", () => {
    const b = builder()
      .send("p1", "q", ["m1"])
      .receive("c1", "q", [delivery("m1", "q", 1, "t1")])
      .settle("c1", "abandon", { id: "m1", entity: "q", lockToken: "t1" })
      .receive("c1", "q", [delivery("m1", "q", 2, "t2")])
      .settle("c1", "complete", { id: "m1", entity: "q", lockToken: "t2" });
    const r = check(b);
    expect(r.valid).toBe(true);
    expect(r.counts.redelivered).toBe(1);
  });

  it("does not blame a redelivery on a complete that was acknowledged only after it was received", () => {
    const b = builder()
      .send("p1", "q", ["m1"])
      .receive("c1", "q", [delivery("m1", "q", 1, "t1")])
      .op("c1", "invoke", "settle", { outcome: "complete", id: "m1", entity: "q", lockToken: "t1" })
      .receive("c2", "q", [delivery("m1", "q", 2, "t2")])
      .op("c1", "ok", "settle", { outcome: "complete", id: "m1", entity: "q", lockToken: "t1" });
    expect(check(b).valid).toBe(true);
  });
});
