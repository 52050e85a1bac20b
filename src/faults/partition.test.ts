import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type PartitionKind, planPartition } from "./partition.js";

const KINDS: PartitionKind[] = ["partition-node", "partition-leader", "partition-halves", "partition-bridge"];

/** Can a reach b directly, under the grudge (both directions must pass)? */
const talks = (plan: ReturnType<typeof planPartition>, a: number, b: number) => !plan.grudge.get(a)!.has(b) && !plan.grudge.get(b)!.has(a);

describe("partition plans", () => {
  it("isolate exactly one node: the picked one, or the leader for partition-leader", () => {
    const plan = planPartition("partition-node", 3, 4);
    expect(plan.sides).toEqual([[1], [2, 0]]);
    expect([...plan.grudge.get(1)!].sort()).toEqual([0, 2]);
    expect(talks(plan, 0, 2)).toBe(true);
    expect(planPartition("partition-leader", 3, 0, 2).sides[0]).toEqual([2]);
    expect(planPartition("partition-producer-node", 3, 0, 1).sides[0]).toEqual([1]);
  });

  it("split halves into a minority and a majority that do not hear each other", () => {
    const plan = planPartition("partition-halves", 5, 3);
    expect(plan.sides.map((s) => s.length)).toEqual([2, 3]);
    for (const a of plan.sides[0]!) for (const b of plan.sides[1]!) expect(talks(plan, a, b)).toBe(false);
  });

  it("leave the bridge node hearing both sides, and the sides not hearing each other", () => {
    const plan = planPartition("partition-bridge", 3, 0);
    expect(plan.sides).toEqual([[0, 1], [0, 2]]);
    expect(talks(plan, 0, 1) && talks(plan, 0, 2)).toBe(true);
    expect(talks(plan, 1, 2)).toBe(false);
  });

  it("always: symmetric, nobody drops itself, every side connected inside, every pair across sides cut (unless bridged)", () => {
    fc.assert(
      fc.property(fc.constantFrom(...KINDS), fc.integer({ min: 3, max: 7 }), fc.integer({ min: 0, max: 100 }), (kind, n, pick) => {
        const plan = planPartition(kind, n, pick, pick % n);
        expect(new Set(plan.sides.flat()).size).toBe(n);
        for (let a = 0; a < n; a++) {
          expect(plan.grudge.get(a)!.has(a)).toBe(false);
          for (const b of plan.grudge.get(a)!) expect(plan.grudge.get(b)!.has(a)).toBe(true);
        }
        for (const side of plan.sides) for (const a of side) for (const b of side) expect(talks(plan, a, b)).toBe(true);
        // Somebody is cut off from somebody: the fault is never a no-op.
        expect([...plan.grudge.values()].some((g) => g.size > 0)).toBe(true);
      }),
    );
  });

  it("refuse a cluster too small to partition", () => {
    expect(() => planPartition("partition-halves", 1, 0)).toThrow(/at least 2 nodes/);
    expect(() => planPartition("partition-bridge", 2, 0)).toThrow(/at least 3/);
  });
});
