import { describe, expect, it } from "vitest";
import { gauntlet, tempDir } from "./cli-helpers.js";

const out = tempDir();
const certify = (handler: string, seed: string) => gauntlet(["certify", `fixtures/handlers/${handler}`, "--runs", "60", "--seed", seed, "--out", out, "--no-progress"]);

// Issue 16: the reference run redelivers a delivery that threw (deliveryCount + 1) until it is
// handled, so handlers that fail transiently are judged, and the verdict names the mistake.
describe("certify with transient failures names the mistake", () => {
  it.each(["7"])("marking done before the effect loses the effect after a failed attempt (seed %s)", (seed) => {
    const r = certify("mark-before-effect.ts", seed);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toContain("NOT IDEMPOTENT: effect lost after a failed attempt");
    expect(r.stdout).toMatch(/transient-failure m\d/);
  }, 60_000);

  it("an idempotent handler that throws transiently is certified", () => {
    const r = certify("flaky-idempotent.ts", "3");
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("CERTIFIED");
    expect(r.stdout).toMatch(/note: handle\(\) threw on its own in the reference run of \d+ cases?/);
  }, 60_000);

  it("effects kept in memory are not durable across a restart", () => {
    const r = certify("memory-effects.ts", "1");
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toContain("effect not durable across a restart");
  }, 60_000);
});
