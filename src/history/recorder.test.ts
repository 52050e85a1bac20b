import { describe, expect, it } from "vitest";
import type { Clock } from "../core/clock.js";
import { ProcessId, Recorder } from "./recorder.js";

function fakeClock(): Clock & { advance(ns: number): void } {
  let t = 0;
  return { now: () => t, sleep: async () => {}, advance: (ns) => void (t += ns) };
}

describe("Recorder", () => {
  it("pairs invocations with completions and stamps monotonic time", () => {
    const clock = fakeClock();
    const seen: number[] = [];
    const rec = new Recorder(clock, [(op) => seen.push(op.index)]);
    const p = rec.invoke("c1", "send", { target: "q", messages: [{ id: "m1" }] });
    clock.advance(500);
    rec.complete(p, "ok");
    expect(rec.ops.map((o) => [o.index, o.time, o.type])).toEqual([
      [0, 0, "invoke"],
      [1, 500, "ok"],
    ]);
    expect(seen).toEqual([0, 1]);
  });

  it("refuses a second outstanding op on one process", () => {
    const rec = new Recorder(fakeClock());
    rec.invoke("c1", "send");
    expect(() => rec.invoke("c1", "receive")).toThrow(/outstanding/);
  });

  it("ProcessId moves to a fresh id after renew", () => {
    const p = new ProcessId("c1");
    expect(p.current).toBe("c1");
    expect(p.renew()).toBe("c1.1");
    expect(p.current).toBe("c1.1");
  });
});
