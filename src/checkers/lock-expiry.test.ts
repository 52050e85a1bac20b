import { describe, expect, it } from "vitest";
import type { SetupValue } from "../core/setup.js";
import { HistoryBuilder, delivery } from "./history-builder.test-helper.js";
import { lockExpiry } from "./lock-expiry.js";

const builder = (extra: Partial<SetupValue> = {}) =>
  new HistoryBuilder({ broker: "test", entities: [{ kind: "queue", name: "q", lockDurationMs: 1 }], ...extra });
const check = (b: HistoryBuilder) => lockExpiry.check(b.ops, { setup: b.setup });
const m1 = (token: string) => ({ id: "m1", entity: "q", lockToken: token });

/** c1 takes m1 (lock until 1.45 ms), crashes, and c2 gets m1 at 0.9 ms. */
function crashThenRedeliver(locksReleasedOnCrash: boolean): HistoryBuilder {
  return builder({ locksReleasedOnCrash })
    .send("p1", "q", ["m1"])
    .receive("c1", "q", [delivery("m1", "q", 1, "t1")])
    .crash("c1")
    .receive("c2", "q", [delivery("m1", "q", 2, "t2")])
    .settle("c2", "complete", m1("t2"));
}

describe("lock-expiry", () => {
  it("allows a redelivery after a crash only where the broker releases a crashed client's locks", () => {
    expect(check(crashThenRedeliver(true)).valid).toBe(true);
    const r = check(crashThenRedeliver(false));
    expect(r.valid).toBe(false);
    expect(r.anomalies["early-redelivery"]![0]!.indexes).toEqual([5, 9]);
  });

  it("allows it on a session entity where the broker frees a crashed client's session, and only there", () => {
    const on = (orderedKeys: boolean) =>
      lockExpiry.check(crashThenRedeliver(false).ops, { setup: { ...crashThenRedeliver(false).setup, sessionLocksReleasedOnCrash: true, entities: [{ kind: "queue", name: "q", lockDurationMs: 1, orderedKeys }] } });
    expect(on(true).valid).toBe(true);
    expect(on(false).anomalies["early-redelivery"]).toHaveLength(1);
  });

  it("counts a renewal acknowledged before the redelivery as holding the lock", () => {
    const b = builder()
      .send("p1", "q", ["m1"])
      .receive("c1", "q", [delivery("m1", "q", 1, "t1")]) // lock until 1_450_000
      .renew("c1", m1("t1"), 5_000_000)
      .at(2_000_000)
      .receive("c2", "q", [delivery("m1", "q", 2, "t2")]);
    expect(Object.keys(check(b).anomalies)).toEqual(["early-redelivery"]);
  });

  it("forgives redeliveries within the clock tolerance", () => {
    const early = (tolerance: number) =>
      builder({ clockToleranceMs: tolerance })
        .send("p1", "q", ["m1"])
        .receive("c1", "q", [delivery("m1", "q", 1, "t1", { lockedUntil: 1_500_000 })])
        .at(1_300_000)
        .receive("c2", "q", [delivery("m1", "q", 2, "t2")]);
    expect(check(early(0)).valid).toBe(false); // delivered at 1.4 ms, lock until 1.5 ms
    expect(check(early(0.2)).valid).toBe(true);
  });

  it("orders two deliveries by their lock stamps only when the stamps are further apart than the clock tolerance", () => {
    // Seen on the Service Bus emulator: abandon, then the redelivery's whole-millisecond stamp read
    // a little before the first lock's. Taken at face value, the second lock predates the abandon.
    const abandonThenRedeliver = (tolerance: number) =>
      builder({ clockToleranceMs: tolerance })
        .send("p1", "q", ["m1"])
        .receive("c1", "q", [delivery("m1", "q", 1, "t1", { lockedUntil: 1_500_000 })])
        .settle("c1", "abandon", m1("t1"))
        .receive("c1", "q", [delivery("m1", "q", 2, "t2", { lockedUntil: 1_460_000 })])
        .settle("c1", "complete", m1("t2"));
    expect(Object.keys(check(abandonThenRedeliver(0)).anomalies).sort()).toEqual(["deliverycount-nonmonotonic", "early-redelivery", "settle-after-lock-loss-accepted"]);
    expect(check(abandonThenRedeliver(0.1)).valid).toBe(true);
  });

  it("flags an acknowledged settle after another receiver got the message", () => {
    const b = builder()
      .send("p1", "q", ["m1"])
      .receive("c1", "q", [delivery("m1", "q", 1, "t1")])
      .at(2_000_000)
      .receive("c2", "q", [delivery("m1", "q", 2, "t2")])
      .settle("c1", "abandon", m1("t1"));
    const r = check(b);
    expect(Object.keys(r.anomalies)).toEqual(["settle-after-lock-loss-accepted"]);
    expect(r.anomalies["settle-after-lock-loss-accepted"]![0]!.outcome).toBe("abandon");
  });

  it("accepts a first deliveryCount above 1 only after a read whose deliveries are unknown", () => {
    const plain = builder().send("p1", "q", ["m1"]).receive("c1", "q", [delivery("m1", "q", 2, "t1")]);
    expect(Object.keys(check(plain).anomalies)).toEqual(["deliverycount-nonmonotonic"]);
    const lostRead = builder()
      .send("p1", "q", ["m1"])
      .call("c1", "receive", { source: "q", mode: "peek-lock" }, "info")
      .receive("c1.1", "q", [delivery("m1", "q", 2, "t1")]);
    expect(check(lostRead).valid).toBe(true);
  });

  it("is not applicable without lock tokens", () => {
    const b = builder().send("p1", "q", ["m1"]).receive("c1", "q", [delivery("m1", "q", 1)], "receive-and-delete");
    expect(check(b)).toMatchObject({ valid: true, notApplicable: true });
  });

  it("orders overlapping reads by their locks: a reply delayed past the lock is not an early redelivery", () => {
    const read = (p: string, deliveries: unknown[]) => ({ source: "q", mode: "peek-lock", deliveries });
    const b = builder().send("p1", "q", ["m1"]);
    // c1's read gets m1 at 0.45 ms (lock until 1.45 ms) but its reply arrives only after c2 got m1 again.
    b.at(400_000).op("c1", "invoke", "receive", { source: "q", mode: "peek-lock" });
    b.at(2_000_000).op("c2", "invoke", "receive", { source: "q", mode: "peek-lock" });
    b.op("c2", "ok", "receive", read("c2", [delivery("m1", "q", 2, "t2", { lockedUntil: 3_050_000 })]));
    b.op("c1", "ok", "receive", read("c1", [delivery("m1", "q", 1, "t1", { lockedUntil: 1_450_000 })]));
    b.settle("c2", "complete", m1("t2")).settle("c1", "complete", m1("t1"), "fail");
    const r = check(b);
    expect(r.anomalies).toEqual({});
    expect(r.valid).toBe(true);
  });
});
