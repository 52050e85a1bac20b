import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { gauntlet, tempDir } from "./cli-helpers.js";

const outbox = (args: string[], tmp = tempDir()) => ({ tmp, r: gauntlet(["certify", "--pattern", "outbox", ...args], undefined, { TMPDIR: tmp }) });

// Issue 16: the transactional outbox on a private PostgreSQL that Gauntlet starts and removes.
describe("certify --pattern outbox", () => {
  it("certifies the correct outbox, leaving no Postgres or temp dir behind", () => {
    for (const seed of ["11"]) {
      const { tmp, r } = outbox(["fixtures/outbox/correct.ts", "--seed", seed, "--runs", "60"]);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toContain("CERTIFIED");
      expect(r.stdout).toMatch(/private PostgreSQL 15/);
      expect(readdirSync(tmp)).toEqual([]);
    }
  }, 90_000);

  it.each([
    ["publish-then-commit.ts", "event for a rolled-back transaction"],
    ["mark-before-publish.ts", "event lost"],
    ["no-lock-between-two-relays.ts", "event published twice without a crash"],
  ])("rejects %s with a minimal counterexample (%s)", (file, kind) => {
    const { tmp, r } = outbox([`fixtures/outbox/${file}`, "--seed", "1", "--json"]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const result = JSON.parse(r.stdout) as { certified: boolean; counterexample: { case: { orders: unknown[]; steps: unknown[] }; violations: { kind: string }[] } };
    expect(result.certified).toBe(false);
    expect(result.counterexample.violations.map((v) => v.kind)).toContain(kind);
    expect(result.counterexample.case.orders.length).toBeLessThanOrEqual(2);
    expect(result.counterexample.case.steps.length).toBeLessThanOrEqual(3);
    expect(readdirSync(tmp)).toEqual([]);
  }, 60_000);

  it.each([
    [["fixtures/outbox/bad/missing-relay.mjs"], 3, /missing export relay\(\)/],
    [["fixtures/outbox/bad/relay-never-returns.mjs", "--timeout", "1s"], 3, /relay\(\) \(relay pass 1\) did not return within 1 s/],
    [["fixtures/outbox/correct.ts", "--db", "postgres://nobody@127.0.0.1:1/x"], 4, /cannot connect to the database/],
  ])("bad input %j exits %i with the fix, within seconds", (args, code, message) => {
    const started = Date.now();
    const { tmp, r } = outbox([...args, "--seed", "1"]);
    expect(r.code, r.stdout + r.stderr).toBe(code);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/\n {2}fix: /);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(readdirSync(tmp)).toEqual([]);
  }, 30_000);
});
