import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { gauntlet, tempDir } from "./cli-helpers.js";

const BAD = "fixtures/handlers/bad";
const out = tempDir();

// Each handler breaks certify's trust in its process one way (fixtures/handlers/bad/README.md).
// Before isolation these ended in exit 0 with no output, exit 1, a raw stack trace, exit 13 or a
// hang; now each is exit 3 naming what happened, in which call, and in which case.
describe("certify isolates the handler: what it does to its process becomes a named exit 3", () => {
  it.each([
    ["exit-at-import.mjs", /the handler process exited with 0 during import of the module/],
    ["exit-in-handle.mjs", /the handler process exited with 0 during handle\(\) of m1\n {2}in preflight/],
    ["exit-1-in-handle.mjs", /the handler process exited with 1 during handle\(\) of m1/],
    ["exit-on-redelivery.mjs", /the handler process exited with 0 during handle\(\) of m\d\n {2}in run \d+ of seed 1: messages m1 \(k\d\) \{"amount":\d\}.*; schedule \[/],
    ["kill-self.mjs", /the handler process was killed by SIGKILL during handle\(\) of m1/],
    ["background-throw.mjs", /an uncaught exception escaped the handler .*: lost connection in a timer\n {2}the case running when it was noticed: /],
    ["unhandled-rejection.mjs", /an unhandled promise rejection escaped the handler .*: nobody awaits this write/],
    ["snapshot-never-settles.mjs", /snapshot\(\) did not settle within 1 s\n {2}in preflight/],
    ["reset-never-settles.mjs", /reset\(\) did not settle within 1 s/],
    ["sync-loop.mjs", /the handler process did not respond for 1 s during handle\(\) of m1 \(a synchronous loop/],
  ])("%s", (name, message) => {
    const tmp = tempDir();
    const root = join(out, name);
    const started = Date.now();
    const r = gauntlet(["certify", `${BAD}/${name}`, "--timeout", "1s", "--runs", "30", "--seed", "1", "--out", root], undefined, { TMPDIR: tmp });
    expect(r.code, r.stdout + r.stderr).toBe(3);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain(`handler ${BAD}/${name}`);
    expect(r.stderr).toMatch(/\n {2}fix: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).not.toContain("CERTIFIED");
    expect(existsSync(root)).toBe(false);
    expect(readdirSync(tmp)).toEqual([]);
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 60_000);

  it("a slow but legitimate handler passes when --timeout allows it", () => {
    const r = gauntlet(["certify", "fixtures/handlers/idempotent-ledger.ts", "--timeout", "5s", "--runs", "20", "--seed", "2", "--out", join(out, "ok")]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("--timeout 5s");
  }, 60_000);

  it("--timeout must be a duration", () => {
    const r = gauntlet(["certify", "fixtures/handlers/idempotent-ledger.ts", "--timeout", "soon", "--out", join(out, "bad-timeout")]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/--timeout: "soon" is not a duration/);
  });
});
