import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { scheduleCaseArbitrary } from "./arbitrary.js";
import { type Step, mechanisms, normalizeSchedule, scheduleViolations } from "./schedule.js";
import type { CertifyMessage } from "./types.js";

const msgs = (...keys: string[]): CertifyMessage[] => keys.map((key, i) => ({ id: `m${i + 1}`, key, body: { amount: 1 } }));

describe("schedules allowed by at-least-once delivery", () => {
  test.prop([scheduleCaseArbitrary("per-key-order")])("generated per-key-order schedules are allowed and ack every message", (c) => {
    expect(scheduleViolations(c.messages, c.schedule!, "per-key-order")).toEqual([]);
  });

  test.prop([scheduleCaseArbitrary("unordered")])("generated unordered schedules are allowed and ack every message", (c) => {
    expect(scheduleViolations(c.messages, c.schedule!, "unordered")).toEqual([]);
  });

  test.prop([scheduleCaseArbitrary("unordered")])("normalizing an allowed schedule changes nothing", (c) => {
    expect(normalizeSchedule(c.messages, c.schedule!, "unordered")).toEqual(c.schedule);
  });

  it("a message that is only crashed on is never acked", () => {
    const problems = scheduleViolations(msgs("k1"), [{ op: "crash-before-ack", id: "m1" }], "per-key-order");
    expect(problems).toEqual(["message m1 is never acked (at-least-once requires every message to be acked at least once)"]);
  });

  it("per-key-order forbids a first delivery before an earlier same-key message is acked, unordered allows it", () => {
    const steps: Step[] = [
      { op: "crash-before-ack", id: "m1" },
      { op: "deliver", id: "m2" },
      { op: "deliver", id: "m1" },
    ];
    expect(scheduleViolations(msgs("k1", "k1"), steps, "per-key-order")[0]).toMatch(/step 2: first delivery of m2 before m1/);
    expect(scheduleViolations(msgs("k1", "k1"), steps, "unordered")).toEqual([]);
    expect(scheduleViolations(msgs("k1", "k2"), steps, "per-key-order")).toEqual([]);
  });

  it("per-key-order allows a duplicate of an acked message after later ones (a rewind)", () => {
    const steps: Step[] = ["m1", "m2", "m1"].map((id) => ({ op: "deliver", id }));
    expect(scheduleViolations(msgs("k1", "k1"), steps, "per-key-order")).toEqual([]);
  });

  it("parallel needs two different messages, and different keys under per-key-order", () => {
    const same: Step = { op: "parallel", ids: ["m1", "m1"], afterTicks: 0 };
    const sameKey: Step = { op: "parallel", ids: ["m1", "m2"], afterTicks: 0 };
    expect(scheduleViolations(msgs("k1", "k1"), [same, sameKey], "unordered")[0]).toMatch(/two different messages/);
    expect(scheduleViolations(msgs("k1", "k1"), [sameKey], "per-key-order")[0]).toMatch(/both have key k1/);
    expect(scheduleViolations(msgs("k1", "k1"), [sameKey], "unordered")).toEqual([]);
  });

  it("names unknown ids", () => {
    expect(scheduleViolations(msgs("k1"), [{ op: "deliver", id: "m9" }, { op: "deliver", id: "m1" }], "unordered")).toEqual(['step 1: unknown message id "m9"']);
  });

  it("normalizing drops forbidden steps and delivers unacked messages at the end, in send order", () => {
    const steps: Step[] = [
      { op: "deliver", id: "m2" },
      { op: "crash-before-ack", id: "m1" },
    ];
    expect(normalizeSchedule(msgs("k1", "k1"), steps, "per-key-order")).toEqual([
      { op: "crash-before-ack", id: "m1" },
      { op: "deliver", id: "m1" },
      { op: "deliver", id: "m2" },
    ]);
  });

  it("names the mechanisms a schedule uses", () => {
    const m = msgs("k1", "k2");
    expect(mechanisms(m, [{ op: "deliver", id: "m1" }, { op: "deliver", id: "m1" }, { op: "deliver", id: "m2" }])).toEqual(["duplicate"]);
    expect(mechanisms(m, [{ op: "crash-before-ack", id: "m1" }, { op: "deliver", id: "m1" }, { op: "deliver", id: "m2" }])).toEqual(["crash-before-ack"]);
    expect(mechanisms(m, [{ op: "deliver", id: "m2" }, { op: "deliver", id: "m1" }])).toEqual(["reorder"]);
    expect(mechanisms(m, [{ op: "lock-expiry", id: "m1", afterTicks: 1 }, { op: "restart" }, { op: "deliver", id: "m2" }])).toEqual(["lock-expiry", "restart"]);
  });
});

describe("generated messages", () => {
  test.prop([scheduleCaseArbitrary("per-key-order")])("have unique ids m1..mN and keys k1..k3", (c) => {
    expect(c.messages.map((m) => m.id)).toEqual(c.messages.map((_, i) => `m${i + 1}`));
    for (const m of c.messages) expect(m.key).toMatch(/^k[1-3]$/);
  });

  it("exercise every mechanism across a hundred cases", () => {
    const seen = new Set<string>();
    for (const c of fc.sample(scheduleCaseArbitrary("per-key-order"), { seed: 3, numRuns: 100 })) for (const m of mechanisms(c.messages, c.schedule!)) seen.add(m);
    expect([...seen].sort()).toEqual(["crash-before-ack", "duplicate", "lock-expiry", "parallel", "reorder", "restart", "transient-failure"]);
  });
});
