import { describe, expect, it } from "vitest";
import type { QueueSpec } from "../core/entities.js";
import { atLeastOnce } from "./at-least-once.js";
import { compose } from "./compose.js";
import { MAX_DELIVERY_REASON, deadLetter } from "./dead-letter.js";
import { duplicates } from "./duplicates.js";
import { HistoryBuilder, delivery } from "./history-builder.test-helper.js";
import { lockExpiry } from "./lock-expiry.js";
import { orderingPerKey } from "./ordering-per-key.js";

// Each rule of a sound loss proof: a history that triggers it, and a near miss that must not.
const queue = (extra: Partial<QueueSpec> = {}): QueueSpec => ({ kind: "queue", name: "q", lockDurationMs: 1, ...extra });
const builder = (extra: Partial<QueueSpec> = {}, more: Record<string, unknown> = {}) => new HistoryBuilder({ broker: "test", entities: [queue(extra)], ...more });
const alo = (b: HistoryBuilder) => atLeastOnce.check(b.ops, { setup: b.setup });
const dl = (b: HistoryBuilder) => deadLetter.check(b.ops, { setup: b.setup });
const sendValue = { target: "q", messages: [{ id: "m1" }] };

describe("lost needs a drain that began after the ack", () => {
  it("a drain invoked before the send was acknowledged proves nothing: unseen (Jepsen: unknown)", () => {
    const b = builder()
      .op("p1", "invoke", "send", sendValue)
      .op("drain", "invoke", "drain", { source: "q", dlq: false })
      .op("p1", "ok", "send", sendValue)
      .op("drain", "ok", "drain", { source: "q", dlq: false, deliveries: [] });
    const r = alo(b);
    expect(r.valid).toBe("unknown");
    expect(r.anomalies.unseen![0]).toMatchObject({ id: "m1", cause: "drain-before-ack" });
    expect(r.reason).toMatch(/began before the send was acknowledged/);
  });

  it("near miss: the same drain invoked after the ack proves it lost", () => {
    const b = builder().send("p1", "q", ["m1"]).drain("q", false);
    expect(alo(b).anomalies.lost![0]!.id).toBe("m1");
  });
});

describe("one rule for indeterminate destructive reads (at-least-once, dead-letter, dlq-premature)", () => {
  it("a receive-and-delete that timed out may have taken the message: unseen, not lost", () => {
    const b = builder().send("p1", "q", ["m1"]).receive("c1", "q", [], "receive-and-delete", "info").drain("q", false);
    const r = alo(b);
    expect(r.valid).toBe("unknown");
    expect(r.anomalies.unseen![0]).toMatchObject({ cause: "indeterminate-read", indexes: [2, 3, 4] });
  });

  it("an info read may take effect after it ended (a late request): one that timed out before the send still counts", () => {
    expect(alo(builder().receive("c1", "q", [], "receive-and-delete", "info").send("p1", "q", ["m1"]).drain("q", false)).valid).toBe("unknown");
  });

  it("near misses: a timed-out peek-lock receive, or a timed-out receive-and-delete of another queue, leaves the proof standing", () => {
    expect(alo(builder().send("p1", "q", ["m1"]).receive("c1", "q", [], "peek-lock", "info").drain("q", false)).valid).toBe(false);
    expect(alo(builder().send("p1", "q", ["m1"]).receive("c1", "other", [], "receive-and-delete", "info").drain("q", false)).valid).toBe(false);
  });

  it("a drain that ended info is destructive too", () => {
    const b = builder().send("p1", "q", ["m1"]).drain("q", false, [], "info").drain("q", false);
    expect(alo(b).anomalies.unseen![0]!.cause).toBe("indeterminate-read");
  });

  it("at-least-once and dead-letter agree: a copy at its limit that a timed-out receive-and-delete may have taken is neither lost nor dlq-missing", () => {
    const b = builder({ maxDeliveryCount: 1 })
      .send("p1", "q", ["m1"])
      .receive("c1", "q", [delivery("m1", "q", 1, "t1")])
      .at(3_000_000)
      .receive("c2", "q", [], "receive-and-delete", "info")
      .drain("q", false)
      .drain("q", true);
    expect(dl(b).anomalies["dlq-missing"]).toBeUndefined();
    expect(alo(b).valid).toBe(true); // delivered once: at-least-once is satisfied
    const near = builder({ maxDeliveryCount: 1 }).send("p1", "q", ["m1"]).receive("c1", "q", [delivery("m1", "q", 1, "t1")]).at(3_000_000).drain("q", false).drain("q", true);
    expect(Object.keys(dl(near).anomalies)).toEqual(["dlq-missing"]);
  });

  it("dlq-premature allows for attempts an indeterminate read may have made when the broker reports no count", () => {
    const premature = (count: number | null, timeouts: number) => {
      const b = builder({ maxDeliveryCount: 3 }).send("p1", "q", ["m1"]).receive("c1", "q", [delivery("m1", "q", count, "t1")]);
      for (let i = 0; i < timeouts; i++) b.receive(`c${i + 2}`, "q", [], "peek-lock", "info");
      return dl(b.drain("q", false).drain("q", true, [delivery("m1", "q", count, undefined, { dlq: true, deadLetterReason: MAX_DELIVERY_REASON })]));
    };
    expect(premature(null, 2)).toMatchObject({ valid: true, counts: { "dlq-premature-unproven": 1 } });
    // Near misses: one timed-out read cannot make up two missing attempts; a broker count is the truth.
    expect(Object.keys(premature(null, 1).anomalies)).toEqual(["dlq-premature"]);
    expect(Object.keys(premature(1, 2).anomalies)).toEqual(["dlq-premature"]);
  });
});

describe("ghost deliveries", () => {
  it("a delivery with no send at all is unexpected, not 'nothing to check'", () => {
    const b = builder().receive("c1", "q", [delivery("ghost", "q", 1)], "receive-and-delete").drain("q", false);
    const r = compose([atLeastOnce, duplicates], b.ops, { setup: b.setup });
    expect(r.valid).toBe(false);
    expect(Object.keys(r.anomalies)).toEqual(["unexpected"]);
  });

  it("near miss: no send and no delivery is still unknown", () => {
    const b = builder().drain("q", false);
    expect(compose([atLeastOnce], b.ops, { setup: b.setup }).valid).toBe("unknown");
  });
});

describe("atomic batches are judged as a unit", () => {
  const batch = (atomic: boolean) => builder({}, atomic ? { atomicBatches: true } : {}).send("p1", "q", ["a", "b"], "info");

  it("once one message of an indeterminate atomic batch is read, the rest is owed", () => {
    const b = batch(true).receive("c1", "q", [delivery("a", "q", 1)], "receive-and-delete").drain("q", false);
    const r = alo(b);
    expect(r.valid).toBe(false);
    expect(r.anomalies.lost![0]).toMatchObject({ id: "b", indexes: [2, 3, 5] });
    expect(r.stats).toMatchObject({ owed: 2, acked: 0 });
  });

  it("near misses: no atomicity promised, nothing of the batch read, a drain begun before the read, or an id re-sent elsewhere", () => {
    expect(alo(batch(false).receive("c1", "q", [delivery("a", "q", 1)], "receive-and-delete").drain("q", false)).valid).toBe(true);
    expect(alo(batch(true).drain("q", false)).valid).toBe(true);
    const early = batch(true)
      .op("drain", "invoke", "drain", { source: "q", dlq: false })
      .receive("c1", "q", [delivery("a", "q", 1)], "receive-and-delete")
      .op("drain", "ok", "drain", { source: "q", dlq: false, deliveries: [] });
    expect(alo(early).valid).toBe("unknown");
    const resent = batch(true).send("p1.1", "q", ["b"], "info", true).receive("c1", "q", [delivery("a", "q", 1)], "receive-and-delete").drain("q", false);
    expect(alo(resent).valid).toBe(true);
  });
});

describe("names", () => {
  it("a delivery past the limit after an acknowledged complete is a duplicate-redelivery, not dlq-missing", () => {
    const m1 = (t: string) => ({ id: "m1", entity: "q", lockToken: t });
    const b = builder({ maxDeliveryCount: 1 })
      .send("p1", "q", ["m1"])
      .receive("c1", "q", [delivery("m1", "q", 1, "t1")])
      .settle("c1", "complete", m1("t1"))
      .receive("c1", "q", [delivery("m1", "q", 2, "t2")])
      .settle("c1", "complete", m1("t2"));
    const r = compose([deadLetter, duplicates], b.ops, { setup: b.setup });
    expect(Object.keys(r.anomalies)).toEqual(["duplicate-redelivery"]);
    // Near miss: abandoned instead of completed, the second delivery is a missed dead-lettering.
    const near = builder({ maxDeliveryCount: 1 }).send("p1", "q", ["m1"]).receive("c1", "q", [delivery("m1", "q", 1, "t1")]).settle("c1", "abandon", m1("t1")).receive("c1", "q", [delivery("m1", "q", 2, "t2")]);
    expect(Object.keys(dl(near).anomalies)).toEqual(["dlq-missing"]);
  });
});

describe("the same rule in ordering-per-key and lock-expiry", () => {
  const ordered = () => new HistoryBuilder({ broker: "test", entities: [queue({ orderedKeys: true })] });
  const k = (id: string) => ({ id, key: "k" });
  it("a timed-out read before the later message's first delivery may have delivered the earlier one first: not an order-violation", () => {
    const base = () => ordered().send("p1", "q", [k("a")]).send("p1", "q", [k("b")]);
    const violated = (b: HistoryBuilder) => orderingPerKey.check(b.ops, { setup: b.setup });
    const plain = base().receive("c1", "q", [delivery("b", "q", 1, "t1", { key: "k" })]).receive("c1", "q", [delivery("a", "q", 1, "t2", { key: "k" })]);
    expect(violated(plain).valid).toBe(false); // near miss: no indeterminate read
    const masked = base().receive("c0", "q", [], "peek-lock", "info").receive("c1", "q", [delivery("b", "q", 1, "t1", { key: "k" })]).receive("c1", "q", [delivery("a", "q", 2, "t2", { key: "k" })]);
    expect(violated(masked)).toMatchObject({ valid: true, counts: { "order-unproven": 1 } });
  });

  it("a renewal with no reply may have extended the lock: a later complete is not settle-after-lock-loss-accepted", () => {
    const m1 = { id: "m1", entity: "q", lockToken: "t1" };
    const run = (renew: "info" | "none") => {
      const b = builder({ lockDurationMs: 1 }).send("p1", "q", ["m1"]).receive("c1", "q", [delivery("m1", "q", 1, "t1")]);
      if (renew === "info") b.renew("c1", m1, 0, "info");
      return lockExpiry.check(b.at(b.t + 1_200_000).settle("c1.1", "complete", m1).ops, { setup: b.setup });
    };
    expect(Object.keys(run("none").anomalies)).toEqual(["settle-after-lock-loss-accepted"]); // near miss
    expect(run("info").valid).toBe(true);
  });
});
