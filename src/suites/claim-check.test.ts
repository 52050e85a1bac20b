import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Capability } from "../core/capabilities.js";
import { validateScenario } from "../workload/scenario-schema.js";
import { CLAIM_CHECK_THRESHOLD, claimCheck } from "./claim-check.js";
import { SUITES } from "./index.js";

const caps = (list: Capability[]) => new Set<Capability>(list);

describe("claim-check suite", () => {
  it("generates scenarios that survive a repro file (the claim-check stage is kept) with payloads either side of the threshold", () => {
    const samples = fc.sample(claimCheck.scenarios(caps(["peek-lock", "topics"])), { numRuns: 60, seed: 4 });
    const sizes = samples.flatMap((s) => s.producers.flatMap((p) => p.sends.flatMap((x) => x.messages.map((m) => m.size!))));
    expect(sizes.some((n) => n > CLAIM_CHECK_THRESHOLD)).toBe(true);
    expect(sizes.some((n) => n <= CLAIM_CHECK_THRESHOLD)).toBe(true);
    expect(samples.some((s) => s.entities[0]!.kind === "topic")).toBe(true);
    expect(samples.some((s) => s.claimCheck?.storeFaults?.length)).toBe(true);
    expect(samples.some((s) => s.claimCheck?.producerCrashes.length)).toBe(true);
    for (const s of samples) {
      expect(s.claimCheck?.deleteOn).toBe("copies-settled");
      expect(validateScenario(JSON.parse(JSON.stringify(s)), "test")).toEqual(s);
    }
  });

  it("uses a queue where the broker has no topics", () => {
    for (const s of fc.sample(claimCheck.scenarios(caps(["peek-lock"])), { numRuns: 10, seed: 1 })) expect(s.entities.map((e) => e.kind)).toEqual(["queue"]);
  });

  it("is listed, and needs a blob store (so it runs only when named)", () => {
    expect(SUITES).toContain(claimCheck);
    expect(claimCheck.needsStore).toBe(true);
  });
});
