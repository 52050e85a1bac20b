import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startEnvironment } from "../src/environments/start.js";
import { CONFORMANCE_CHECKS, runConformance } from "../src/drivers/conformance/index.js";
import { gauntlet, tempDir } from "./cli-helpers.js";

// The driver goes through the unmodified @azure/service-bus SDK to the embedded emulator.
describe("servicebus-emulator:// (the Service Bus driver on the embedded emulator)", () => {
  it("passes every check of the conformance kit", async () => {
    const results = await runConformance(await startEnvironment("servicebus-emulator://"), CONFORMANCE_CHECKS);
    expect(results.filter((r) => r.status !== "pass")).toEqual([]);
    expect(results).toHaveLength(CONFORMANCE_CHECKS.length);
  }, 120_000);

  it("runs the foundation suites of issue 4's acceptance and finds them valid", () => {
    const r = gauntlet(["run", "--broker", "servicebus-emulator://", "at-least-once", "lock-expiry", "dead-letter", "ordering-per-key", "--runs", "3", "--seed", "21", "--out", tempDir(), "--json", "--no-progress"]);
    expect(r.code, r.stdout.slice(0, 2000) + r.stderr).toBe(0);
    const suites = JSON.parse(r.stdout).suites as { suite: string; verdict: unknown; notApplicable?: string }[];
    expect(suites.map((s) => [s.suite, s.verdict, s.notApplicable])).toEqual([
      ["at-least-once", true, undefined],
      ["lock-expiry", true, undefined],
      ["dead-letter", true, undefined],
      ["ordering-per-key", true, undefined],
    ]);
  }, 300_000);
});

describe("servicebus-emulator:// receive-and-delete", () => {
  it("delivers everything once, and reports what crashed consumers held as at-most-once losses", () => {
    const out = tempDir();
    const r = gauntlet(["run", "--broker", "servicebus-emulator://", "receive-and-delete", "--runs", "3", "--seed", "4", "--out", out, "--json", "--no-progress"]);
    expect(r.code, r.stdout.slice(0, 3000) + r.stderr).toBe(0);
    const [suite] = JSON.parse(r.stdout).suites as { verdict: unknown; results: Record<string, { stats?: { lostUnprocessed?: number }; reason?: string }> }[];
    expect(suite!.verdict).toBe(true);
    // The count is the crash ops' unprocessed ids in the recorded history, and it is said aloud.
    const ops = readFileSync(join(out, readdirSync(out)[0]!, "history.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { f: string; type: string; value?: { unprocessed?: string[] } });
    const held = ops.filter((o) => o.f === "crash" && o.type !== "invoke").flatMap((o) => o.value?.unprocessed ?? []);
    const atMostOnce = suite!.results["at-most-once"]!;
    expect(atMostOnce.stats!.lostUnprocessed).toBe(held.length);
    if (held.length > 0) expect(atMostOnce.reason).toMatch(new RegExp(`at-most-once: ${held.length} message`));
    else expect(atMostOnce.reason).toBeUndefined();
  }, 120_000);
});

describe("servicebus:// (a real namespace)", () => {
  it("needs the connection string in an environment variable and says which", () => {
    const r = gauntlet(["run", "--broker", "servicebus://?connection-string-env=GAUNTLET_TEST_NO_SUCH_VAR", "--runs", "1", "--out", tempDir()]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/GAUNTLET_TEST_NO_SUCH_VAR is not set/);
  });
});
