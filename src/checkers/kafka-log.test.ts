import { describe, expect, it } from "vitest";
import type { Delivery } from "../core/history.js";
import { HistoryBuilder } from "./history-builder.test-helper.js";
import { kafkaLog } from "./kafka-log.js";

// Each of Jepsen's Kafka anomalies (jepsen/tests/kafka.clj) on a Gauntlet history: a history
// that triggers it, and a near miss that must stay valid.
type Claims = { exactlyOnce?: boolean };
const builder = (claims: Claims = {}) => new HistoryBuilder({ broker: "kafka://test", entities: [{ kind: "queue", name: "q" }], claims });
const rec = (id: string, offset: number, partition = 0, entity = "q"): Delivery => ({ id, entity, partition, offset: String(offset), brokerId: `${partition}:${offset}`, deliveryCount: null });
/** An acknowledged send of `ids` stored at consecutive offsets from `base`. */
const sent = (b: HistoryBuilder, process: string, ids: string[], base: number, partition = 0) =>
  b.call(process, "send", { target: "q", messages: ids.map((id) => ({ id })) }, "ok", { target: "q", messages: ids.map((id, i) => ({ id, partition, offset: String(base + i) })) });
const poll = (b: HistoryBuilder, process: string, records: Delivery[], source = "q") => b.receive(process, source, records);
const check = (b: HistoryBuilder) => kafkaLog.check(b.ops, { setup: b.setup });
const names = (b: HistoryBuilder) => Object.keys(check(b).anomalies).sort();

/** a, b, c at offsets 0, 1, 2 of partition 0. */
const abc = (claims: Claims = {}) => sent(builder(claims), "p1", ["a", "b", "c"], 0);

describe("kafka-log", () => {
  it("a log read in order, one poll after another, is valid", () => {
    const b = poll(poll(abc(), "c1", [rec("a", 0), rec("b", 1)]), "c1", [rec("c", 2)]);
    expect(check(b)).toMatchObject({ valid: true, stats: { partitions: 1, offsets: 3 } });
  });

  it("is not applicable when the history records no offsets", () => {
    const b = builder().send("p1", "q", ["a"]).receive("c1", "q", [{ id: "a", entity: "q" }]);
    expect(check(b)).toMatchObject({ valid: true, notApplicable: true });
  });

  it("inconsistent-offsets: two messages at one offset; near miss: the same message read there again", () => {
    expect(names(poll(abc(), "c1", [rec("x", 1)]))).toContain("inconsistent-offsets");
    const r = check(poll(abc(), "c1", [rec("x", 1)]));
    expect(r.anomalies["inconsistent-offsets"]![0]).toMatchObject({ key: "q#0", offset: 1, ids: ["b", "x"], indexes: [3] });
    expect(check(poll(poll(abc(), "c1", [rec("a", 0), rec("b", 1), rec("c", 2)]), "c2", [rec("b", 1), rec("c", 2)])).valid).toBe(true);
  });

  it("duplicate: one message at two offsets fails under an exactly-once claim, and is counted without one", () => {
    const dup = (claims: Claims) => poll(sent(abc(claims), "p1", ["d"], 3), "c1", [rec("a", 0), rec("b", 1), rec("c", 2), rec("d", 3), rec("a", 4)]);
    expect(check(dup({ exactlyOnce: true })).anomalies.duplicate![0]).toMatchObject({ id: "a", offsets: [0, 4] });
    expect(check(dup({}))).toMatchObject({ valid: true, counts: { duplicate: 1 } });
  });

  it("lost-write: an acknowledged message below an offset somebody read was never read; near miss: nothing read above it", () => {
    const r = check(poll(abc(), "c1", [rec("a", 0), rec("c", 2)]));
    expect(r.valid).toBe(false);
    expect(r.anomalies["lost-write"]![0]).toMatchObject({ id: "b", offset: 1, maxReadOffset: 2, indexes: [3, 5] });
    expect(check(poll(abc(), "c1", [rec("a", 0)])).valid).toBe(true);
  });

  it("poll-skip: a consumer's next poll jumps over a record; near misses: a rebalance in between, or another consumer", () => {
    const skip = poll(poll(poll(abc(), "c1", [rec("a", 0)]), "c1", [rec("c", 2)]), "c2", [rec("b", 1)]);
    const r = check(skip);
    expect(Object.keys(r.anomalies)).toEqual(["poll-skip"]);
    expect(r.anomalies["poll-skip"]![0]).toMatchObject({ process: "c1", from: 0, to: 2, delta: 2, skipped: [1], indexes: [5, 7] });
    const rebalanced = poll(poll(abc(), "c1", [rec("a", 0)]).call("broker", "rebalance", { entity: "q", phase: "assign", partitions: [0] }), "c1", [rec("c", 2)]);
    expect(check(poll(rebalanced, "c2", [rec("b", 1)])).valid).toBe(true);
    expect(check(poll(poll(poll(abc(), "c1", [rec("a", 0)]), "c2", [rec("c", 2)]), "c3", [rec("b", 1)])).valid).toBe(true);
  });

  it("nonmonotonic-poll: a consumer's next poll goes back; near miss: another group (subscription) reading the same partition", () => {
    const back = poll(poll(abc(), "c1", [rec("a", 0), rec("b", 1)]), "c1", [rec("b", 1), rec("c", 2)]);
    expect(names(back)).toEqual(["nonmonotonic-poll"]);
    const topic = new HistoryBuilder({ broker: "kafka://test", entities: [{ kind: "topic", name: "t", subscriptions: [{ name: "x" }, { name: "y" }] }] });
    topic.call("p1", "send", { target: "t", messages: [{ id: "a" }] }, "ok", { target: "t", messages: [{ id: "a", partition: 0, offset: "0" }] });
    poll(poll(topic, "drain", [rec("a", 0, 0, "t/x")], "t/x"), "drain", [rec("a", 0, 0, "t/y")], "t/y");
    expect(check(topic)).toMatchObject({ valid: true, stats: { partitions: 1 } });
  });

  it("nonmonotonic-send: a producer's later send lands before its earlier one; near miss: two producers", () => {
    const b = sent(sent(builder(), "p1", ["a"], 5), "p1", ["b"], 3);
    const r = check(b);
    expect(Object.keys(r.anomalies)).toEqual(["nonmonotonic-send"]);
    expect(r.anomalies["nonmonotonic-send"]![0]).toMatchObject({ process: "p1", id: "b", from: 5, to: 3, indexes: [3, 5] });
    expect(check(sent(sent(builder(), "p1", ["a"], 5), "p2", ["b"], 3)).valid).toBe(true);
  });
});
