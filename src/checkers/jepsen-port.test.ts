import { describe, expect, it } from "vitest";
import { atLeastOnce } from "./at-least-once.js";
import { compose } from "./compose.js";
import { duplicates } from "./duplicates.js";
import { type JOp, fromJepsen } from "./jepsen-port.test-helper.js";
import { kafkaLog } from "./kafka-log.js";

// Jepsen's own checker tests, translated (see jepsen-port.test-helper.ts), with Jepsen's
// expected verdict next to Gauntlet's. Where they differ, the reason is in docs/checkers.md
// ("Differences from Jepsen"); the test pins Gauntlet's verdict so a change is deliberate.
const queue = (ops: JOp[], drain = false) => {
  const h = fromJepsen(ops);
  if (drain) {
    const t = h.ops.length * 1000;
    h.ops.push({ index: h.ops.length, time: t, process: "drain", type: "invoke", f: "drain", value: { source: "q", dlq: false } });
    h.ops.push({ index: h.ops.length, time: t + 1000, process: "drain", type: "ok", f: "drain", value: { source: "q", dlq: false, deliveries: [] } });
  }
  return compose([atLeastOnce, duplicates], h.ops, { setup: h.setup });
};
const kafka = (ops: JOp[], claims = {}) => {
  const h = fromJepsen(ops, { claims });
  return compose([kafkaLog, atLeastOnce], h.ops, { setup: h.setup });
};
const cases = (r: ReturnType<typeof kafka>, name: string) => (r.anomalies[name] ?? []).map((e) => e.id ?? e.key);

describe("checker_test.clj queue-test (Jepsen: Knossos unordered-queue)", () => {
  it("empty — Jepsen valid; Gauntlet unknown (nothing to judge)", () => expect(queue([]).valid).toBe("unknown"));
  it("possible enqueue but no dequeue — both valid", () => expect(queue([[1, "invoke", "enqueue", 1]]).valid).toBe(true));
  it("definite enqueue but no dequeue — Jepsen valid; Gauntlet unknown without a final drain, lost with one", () => {
    const ops: JOp[] = [[1, "invoke", "enqueue", 1], [1, "ok", "enqueue", 1]];
    expect(queue(ops).valid).toBe("unknown");
    expect(queue(ops, true).anomalies.lost?.map((e) => e.id)).toEqual(["1"]);
  });
  it("concurrent enqueue/dequeue — both valid (recovered)", () => {
    const r = queue([[2, "invoke", "dequeue"], [1, "invoke", "enqueue", 1], [2, "ok", "dequeue", 1]]);
    expect(r).toMatchObject({ valid: true, counts: { recovered: 1 } });
  });
  it("dequeue but no enqueue — both invalid (unexpected, even with no send at all)", () => {
    const r = queue([[1, "invoke", "dequeue"], [1, "ok", "dequeue", 1]]);
    expect(r.valid).toBe(false);
    expect(Object.keys(r.anomalies)).toEqual(["unexpected"]);
  });
});

describe("checker_test.clj total-queue-test", () => {
  it("empty — Jepsen valid; Gauntlet unknown", () => expect(queue([]).valid).toBe("unknown"));
  it("sane — both valid, 1 recovered", () => {
    const r = queue([[1, "invoke", "enqueue", 1], [2, "invoke", "enqueue", 2], [2, "ok", "enqueue", 2], [3, "invoke", "dequeue"], [3, "ok", "dequeue", 1], [3, "invoke", "dequeue"], [3, "ok", "dequeue", 2]]);
    expect(r).toMatchObject({ valid: true, counts: { recovered: 1 }, stats: { "at-least-once.attempts": 2, "at-least-once.acked": 1 } });
  });
  it("pathological — both invalid; Jepsen's lost :enqueued is unseen here (a dequeue never completed), its duplicated :dup a duplicate-redelivery", () => {
    const r = queue([
      [1, "invoke", "enqueue", "hung"], [2, "invoke", "enqueue", "enqueued"], [2, "ok", "enqueue", "enqueued"], [3, "invoke", "enqueue", "dup"], [3, "ok", "enqueue", "dup"],
      [4, "invoke", "dequeue"], [5, "invoke", "dequeue"], [5, "ok", "dequeue", "wtf"], [6, "invoke", "dequeue"], [6, "ok", "dequeue", "dup"], [7, "invoke", "dequeue"], [7, "ok", "dequeue", "dup"],
    ], true);
    expect(r.valid).toBe(false);
    expect(r.anomalies.unexpected?.map((e) => e.id)).toEqual(["wtf"]);
    expect(r.anomalies.unseen?.map((e) => e.id)).toEqual(["enqueued"]);
    expect(r.anomalies["duplicate-redelivery"]?.map((e) => e.id)).toEqual(["dup"]);
  });
});

describe("tests/kafka_test.clj", () => {
  const infoConflict: JOp[] = [[0, "invoke", "send", [["x", null, 1], ["y", null, 1]]], [0, "info", "send", [["x", 0, 1], ["y", null, 1]]], [1, "invoke", "send", [["x", null, 2]]], [1, "ok", "send", [["x", 0, 2]]]];
  it("inconsistent-offsets, info conflicts — an info send's offset counts only once one of its writes is read (both)", () => {
    expect(kafka(infoConflict).anomalies["inconsistent-offsets"]).toBeUndefined();
    const r = kafka([...infoConflict, [2, "invoke", "poll"], [2, "ok", "poll", { y: [[5, 1]] }]]);
    expect(r.anomalies["inconsistent-offsets"]![0]).toMatchObject({ key: "t#0", offset: 0, ids: ["x1", "x2"] });
  });

  it("G1a — a failed send read: Gauntlet's recovered-fail (both invalid)", () => {
    const r = kafka([[0, "invoke", "send", [["x", null, 2], ["y", null, 3]]], [0, "fail", "send", [["x", null, 2], ["y", null, 3]]], [1, "invoke", "poll"], [1, "ok", "poll", { x: [[0, 2]] }]]);
    expect(Object.keys(r.anomalies)).toEqual(["recovered-fail"]);
  });

  it("lost-write, consistent — a and b (both)", () => {
    const r = kafka([
      [0, "invoke", "send", [["x", null, "a"]]], [0, "ok", "send", [["x", 0, "a"]]], [0, "invoke", "send", [["x", null, "b"], ["x", null, "d"]]], [0, "ok", "send", [["x", 1, "b"], ["x", 3, "d"]]],
      [1, "invoke", "send", [["x", null, "c"]]], [1, "info", "send", [["x", null, "c"]]], [0, "invoke", "poll"], [0, "ok", "poll", { x: [[2, "c"]] }],
    ]);
    expect(cases(r, "lost-write")).toEqual(["xa", "xb"]);
  });

  it("lost-write, inconsistent — a, overwritten at offset 0 by b (both)", () => {
    const r = kafka([[0, "invoke", "send", [["x", null, "a"]]], [0, "ok", "send", [["x", 0, "a"]]], [0, "invoke", "send", [["x", null, "b"], ["x", null, "c"]]], [0, "ok", "send", [["x", 0, "b"], ["x", 2, "c"]]], [0, "invoke", "poll"], [0, "ok", "poll", { x: [[0, "b"], [2, "c"]] }]]);
    expect(cases(r, "lost-write")).toEqual(["xa"]);
  });

  it("lost-write, atomic — an info send is owed once one of its writes is read (both)", () => {
    const base: JOp[] = [[0, "invoke", "send", [["x", null, "a"], ["y", null, "b"]]], [0, "info", "send", [["x", null, "a"], ["y", 0, "b"]]], [1, "invoke", "send", [["y", null, "c"]]], [1, "info", "send", [["y", null, "c"]]]];
    const pollC: JOp[] = [[3, "invoke", "poll"], [3, "ok", "poll", { y: [[1, "c"]] }]];
    expect(kafka([...base, ...pollC]).anomalies["lost-write"]).toBeUndefined();
    expect(cases(kafka([...base, [2, "invoke", "poll"], [2, "ok", "poll", { x: [[0, "a"]] }], ...pollC]), "lost-write")).toEqual(["yb"]);
  });

  const skips: JOp[] = [
    [0, "invoke", "poll"], [0, "ok", "poll", { x: [[1, "a"], [2, "b"]] }], [1, "invoke", "poll"], [1, "ok", "poll", { x: [[3, "c"]] }], [0, "invoke", "poll"], [0, "ok", "poll", { x: [[4, "d"]] }],
    [2, "invoke", "send", [["x", null, "f"]]], [2, "ok", "send", [["x", 6, "f"]]], [0, "invoke", "poll"], [0, "ok", "poll", { x: [[7, "g"]] }],
  ];
  it("poll-skip — c and f skipped by process 0 (both)", () => {
    const r = kafka(skips);
    expect(r.anomalies["poll-skip"]!.map((e) => e.skipped)).toEqual([[3], [6]]);
  });
  it("poll-skip with an intermediate subscribe — allowed (both; Gauntlet: a recorded rebalance resets, whatever partitions it names)", () => {
    const r = kafka([...skips.slice(0, 4), [9, "invoke", "rebalance", ["y"]], [9, "ok", "rebalance", ["y"]], ...skips.slice(4, 8), [9, "invoke", "rebalance", ["y"]], [9, "ok", "rebalance", ["y"]], ...skips.slice(8)]);
    expect(r.anomalies["poll-skip"]).toBeUndefined();
  });

  it("nonmonotonic-poll — process 0 goes back from c to b (both)", () => {
    const r = kafka([
      [0, "invoke", "send", [["x", null, "a"], ["x", null, "b"], ["x", null, "c"], ["x", null, "d"]]], [0, "ok", "send", [["x", null, "a"], ["x", null, "b"], ["x", null, "c"], ["x", null, "d"]]],
      [0, "invoke", "poll"], [0, "ok", "poll", { x: [[1, "a"], [2, "b"], [3, "c"]] }], [0, "invoke", "poll"], [0, "ok", "poll", { x: [[2, "b"], [3, "c"], [4, "d"]] }],
    ]);
    expect(r.anomalies["nonmonotonic-poll"]![0]).toMatchObject({ from: 3, to: 2, delta: -1 });
  });

  it("nonmonotonic-send — process 0's second send lands before its first (both)", () => {
    const r = kafka([[0, "invoke", "send", [["x", null, "c"], ["x", null, "d"]]], [0, "ok", "send", [["x", 3, "c"], ["x", 4, "d"]]], [0, "invoke", "send", [["x", null, "a"], ["x", null, "b"]]], [0, "ok", "send", [["x", 1, "a"], ["x", 2, "b"]]]]);
    expect(r.anomalies["nonmonotonic-send"]![0]).toMatchObject({ id: "xa", from: 4, to: 1 });
  });

  it("duplicate — a at offsets 1 and 3: Jepsen invalid; Gauntlet invalid under an exactly-once claim, else counted", () => {
    const ops: JOp[] = [[0, "invoke", "send", [["x", null, "a"]]], [0, "ok", "send", [["x", 1, "a"]]], [1, "invoke", "send", [["x", null, "b"]]], [1, "info", "send", [["x", null, "b"]]], [2, "invoke", "poll"], [2, "ok", "poll", { x: [[2, "b"], [3, "a"]] }]];
    expect(kafka(ops, { exactlyOnce: true }).anomalies.duplicate![0]).toMatchObject({ id: "xa", offsets: [1, 3] });
    expect(kafka(ops)).toMatchObject({ valid: true, counts: { duplicate: 1 } });
  });

  it("empty history — both not valid (Gauntlet: unknown)", () => expect(kafka([]).valid).toBe("unknown"));
});
