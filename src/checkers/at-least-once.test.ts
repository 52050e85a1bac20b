import { describe, expect, it } from "vitest";
import { EXAMPLE_CAP } from "../core/result.js";
import type { QueueSpec, TopicSpec } from "../core/entities.js";
import { atLeastOnce } from "./at-least-once.js";
import { HistoryBuilder, delivery } from "./history-builder.test-helper.js";

const queue = (extra: Partial<QueueSpec> = {}): QueueSpec => ({ kind: "queue", name: "q", lockDurationMs: 1, ...extra });
const builder = (entities: (QueueSpec | TopicSpec)[] = [queue()]) => new HistoryBuilder({ broker: "test", entities });
const check = (b: HistoryBuilder) => atLeastOnce.check(b.ops, { setup: b.setup });

describe("at-least-once", () => {
  it("never calls an info or failed send lost", () => {
    const b = builder().send("p1", "q", ["m1"], "info").send("p1.1", "q", ["m2"], "fail").drain("q", false).drain("q", true);
    const r = check(b);
    expect(r.valid).toBe(true);
    expect(r.stats).toMatchObject({ attempts: 2, acked: 0, indeterminate: 1, failed: 1 });
  });

  it("reports a delivered message whose every send failed as recovered-fail, and an info one as recovered", () => {
    const b = builder()
      .send("p1", "q", ["bad"], "fail")
      .send("p1", "q", ["maybe"], "info")
      .receive("c1", "q", [delivery("bad", "q", 1), delivery("maybe", "q", 1)], "receive-and-delete")
      .drain("q", false);
    const r = check(b);
    expect(r.valid).toBe(false);
    expect(Object.keys(r.anomalies)).toEqual(["recovered-fail"]);
    expect(r.anomalies["recovered-fail"]![0]!.id).toBe("bad");
    expect(r.counts.recovered).toBe(1);
  });

  it("cannot prove loss at a dead-lettering queue until its DLQ is drained too", () => {
    const b = builder([queue({ maxDeliveryCount: 3 })]).send("p1", "q", ["m1"]).drain("q", false);
    const r = check(b);
    expect(r.valid).toBe("unknown");
    expect(r.reason).toContain("q#dlq");
    expect(check(b.drain("q", true)).anomalies.lost![0]!.id).toBe("m1");
  });

  it("says a lost send was acknowledged, or under Kafka acks=0 only reported sent", () => {
    const lost = (broker: string) => {
      const b = new HistoryBuilder({ broker, entities: [queue()] }).send("p1", "q", ["m1"]).drain("q", false);
      return atLeastOnce.check(b.ops, { setup: b.setup }).anomalies.lost![0]!.explanation as string;
    };
    expect(lost("kafka://127.0.0.1:9092?acks=all")).toMatch(/^message m1 was acknowledged but never delivered/);
    expect(lost("kafka://127.0.0.1:9092?acks=0&acks0-sent=true")).toMatch(/^message m1 was reported sent \(acks=0: the broker confirms nothing\) but never delivered/);
  });

  it("checks every subscription of a topic as its own copy", () => {
    const topic: TopicSpec = { kind: "topic", name: "t", subscriptions: [{ name: "a" }, { name: "b" }] };
    const b = builder([topic])
      .send("p1", "t", ["e1"])
      .receive("c1", "t/a", [delivery("e1", "t/a", 1)], "receive-and-delete")
      .drain("t/a", false)
      .drain("t/b", false);
    const r = check(b);
    expect(r.valid).toBe(false);
    expect(r.anomalies.lost!.map((e) => [e.id, e.entity])).toEqual([["e1", "t/b"]]);
    expect(r.stats).toMatchObject({ copies: 2, delivered: 1 });
  });

  it("caps examples but not counts", () => {
    const b = builder();
    for (let i = 0; i < 20; i++) b.send("p1", "q", [`m${i}`]);
    const r = check(b.drain("q", false));
    expect(r.counts.lost).toBe(20);
    expect(r.anomalies.lost).toHaveLength(EXAMPLE_CAP);
  });

  it("counts a copy delivered twice as duplicated without failing", () => {
    const b = builder()
      .send("p1", "q", ["m1"])
      .receive("c1", "q", [delivery("m1", "q", 1, "t1")])
      .settle("c1", "abandon", { id: "m1", entity: "q", lockToken: "t1" })
      .receive("c1", "q", [delivery("m1", "q", 2)], "receive-and-delete")
      .drain("q", false);
    const r = check(b);
    expect(r.valid).toBe(true);
    expect(r.stats?.duplicated).toBe(1);
  });

  it("checks a history without a setup op, taking every send target for a queue", () => {
    const ops = builder().send("p1", "q", ["m1", "m2"]).receive("c1", "q", [delivery("m1", "q", 1)], "receive-and-delete").drain("q", false).ops.slice(2);
    const r = atLeastOnce.check(ops, {} as never);
    expect(r.valid).toBe(false);
    expect(r.anomalies.lost!.map((e) => e.id)).toEqual(["m2"]);
  });
});
