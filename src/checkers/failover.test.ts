import { describe, expect, it } from "vitest";
import type { Op } from "../core/history.js";
import { failover } from "./failover.js";

const fault = (index: number, name: string, detail: Record<string, unknown>): Op => ({ index, time: index, process: "nemesis", type: "ok", f: "fault", value: { name, phase: "stop", detail } }) as Op;
const ctx = {} as never;

describe("failover checker", () => {
  it("says the faults bit when the broker saw the partition or the leader changed", () => {
    const r = failover.check([fault(0, "partition-halves", { observed: true, leaderChanged: false }), fault(1, "kill-leader", { leaderChanged: true })], ctx);
    expect(r.valid).toBe(true);
    expect(r.reason).toMatch(/^faults bit: partitions observed 1\/1, leader changed in 1\/2 windows/);
  });

  it("says loudly when no fault bit, and when no window closed at all", () => {
    const r = failover.check([fault(0, "partition-node", { observed: false, leaderChanged: false })], ctx);
    expect(r.valid).toBe(true);
    expect(r.reason).toMatch(/NO fault bit .* not a tested failover/);
    expect(failover.check([], ctx).reason).toMatch(/tested no failover/);
  });
});
