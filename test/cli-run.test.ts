import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { gauntlet, tempDir } from "./cli-helpers.js";

const out = tempDir();

function onlyReportDir(root: string): string {
  const dirs = readdirSync(root);
  expect(dirs).toHaveLength(1);
  return join(root, dirs[0]!);
}

describe("gauntlet run on the embedded broker", () => {
  it("runs every suite by default, exits 0 and writes the four report files", () => {
    const root = join(out, "default");
    const r = gauntlet(["run", "--out", root, "--seed", "11"]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    for (const suite of ["at-least-once", "ordering-per-key", "lock-expiry", "dead-letter", "duplicates"]) expect(r.stdout).toContain(suite);
    expect(r.stdout).toMatch(/seed:? 11\b/);
    const dir = onlyReportDir(root);
    for (const f of ["history.jsonl", "results.json", "junit.xml", "report.html"]) expect(existsSync(join(dir, f)), f).toBe(true);
    const results = JSON.parse(readFileSync(join(dir, "results.json"), "utf8"));
    expect(results.verdict).toBe(true);
    expect(results.suites).toHaveLength(8);
    // The suites that only mean something under faults say so instead of passing vacuously.
    for (const name of ["idempotent-producer", "failover"]) expect(results.suites.find((x: { suite: string }) => x.suite === name).notApplicable, name).toMatch(/--faults/);
    expect(existsSync(join(dir, "live"))).toBe(false);
  });

  it("stays valid across many seeded runs of a correct broker", () => {
    const r = gauntlet(["run", "--out", join(out, "many"), "--seed", "2024", "--runs", "120", "--json", "--no-progress"]);
    const summary = JSON.parse(r.stdout);
    expect(summary.suites.map((s: { suite: string; verdict: unknown }) => [s.suite, s.verdict])).toEqual(
      summary.suites.map((s: { suite: string }) => [s.suite, true]),
    );
    expect(r.code).toBe(0);
  });

  it.each([
    ["lose-acked", "at-least-once", "lost"],
    ["duplicate-delivery", "duplicates", "duplicate-redelivery"],
    ["reorder-key", "ordering-per-key", "order-violation"],
    ["early-redelivery", "lock-expiry", "early-redelivery"],
    ["skip-dlq", "dead-letter", "dlq-missing"],
    ["accept-after-lock-loss", "lock-expiry", "settle-after-lock-loss-accepted"],
  ])("defect %s is caught by suite %s, which names %s, and its repro replays", (defect, suite, anomaly) => {
    const root = join(out, defect);
    const r = gauntlet(["run", "--broker", `memory://?defects=${defect}`, suite, "--out", root, "--seed", "5"]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toContain(anomaly);
    const dir = onlyReportDir(root);
    const repro = join(dir, `repro-${suite}.json`);
    expect(existsSync(repro)).toBe(true);
    expect(r.stdout).toContain(`gauntlet replay`);
    const scenario = JSON.parse(readFileSync(repro, "utf8")).scenario;
    expect(scenario.suite).toBe(suite);
    const again = gauntlet(["replay", repro, "--out", join(root, "replay"), "--times", "3"]);
    expect(again.code).toBe(1);
    expect(again.stdout).toContain("reproduced 3 of 3");
    expect(again.stdout).toContain(anomaly);
  });
});
