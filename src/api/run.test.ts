import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { UsageError } from "../core/errors.js";
import type { RunSummary } from "../core/run.js";
import { RunFailedError, assertRun } from "./assert.js";
import { readReplayTest } from "./replay-test.js";
import { run } from "./run.js";

const out = mkdtempSync(join(tmpdir(), "gauntlet-api-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("run(test)", () => {
  it("writes every artefact and returns the summary", async () => {
    const summary = await run({ broker: "memory://", suites: ["at-least-once", "dead-letter"], runs: 5, seed: 11, out });
    expect(summary.verdict).toBe(true);
    expect(summary.suites.map((s) => s.suite)).toEqual(["at-least-once", "dead-letter"]);
    expect(summary.command).toBe("npx gauntlet run at-least-once dead-letter --broker memory:// --seed 11 --runs 5");
    const saved = JSON.parse(readFileSync(join(summary.reportDir, "results.json"), "utf8")) as RunSummary;
    expect(saved.runId).toBe(summary.runId);
    const runs = new Set(readFileSync(join(summary.reportDir, "history.jsonl"), "utf8").trim().split("\n").map((l) => (JSON.parse(l) as { run: string }).run));
    expect([...runs]).toEqual(["at-least-once", "dead-letter"]);
    expect(readFileSync(join(summary.reportDir, "junit.xml"), "utf8")).toContain("<testsuites");
  });

  it("refuses a bad test before anything starts, naming the field", async () => {
    await expect(run({ broker: "memory://", runs: 0, out })).rejects.toThrow(/test\.runs/);
    await expect(run({ broker: "memory://", suites: ["no-such-suite"], out })).rejects.toBeInstanceOf(UsageError);
    await expect(run({ broker: "kafak://x", out })).rejects.toThrow(/unknown scheme "kafak"/);
    await expect(run({ broker: "memory://", faults: ["kill"], out })).rejects.toThrow(/memory:\/\/ has no faults/);
  });

  it("publishes a results.json marked interrupted, with the verdict so far, when interrupted", async () => {
    let cleanup: ((signal: string) => Promise<void>) | undefined;
    let partial: Promise<RunSummary> | undefined;
    const own = join(out, "interrupted");
    const resultsFile = () => join(own, readdirSync(own)[0]!, "results.json");
    const summary = await run(
      { broker: "memory://?defects=lose-acked", suites: ["at-least-once", "dead-letter"], runs: 5, seed: 3, out: own },
      {
        onInterrupt: (c) => {
          cleanup = c;
          return () => {};
        },
        // Interrupt after the first suite, as a SIGINT would (the CLI then exits 130).
        onSuiteDone: (outcome) => {
          if (outcome.suite !== "at-least-once") return;
          partial = cleanup!("SIGINT").then(() => JSON.parse(readFileSync(resultsFile(), "utf8")) as RunSummary);
        },
      },
    );
    const written = await partial!;
    expect(written.interrupted).toBe("SIGINT");
    expect(written.suites.map((s) => s.suite)).toEqual(["at-least-once"]);
    expect(written.verdict).toBe(false);
    // In a test nothing exits, so the run went on and its final publish is the complete one.
    expect(summary.interrupted).toBeUndefined();
    expect(summary.suites).toHaveLength(2);
  });
});

describe("assertRun(test)", () => {
  it("resolves on a correct broker", async () => {
    await expect(assertRun({ broker: "memory://", suites: ["at-least-once"], runs: 5, seed: 1, out })).resolves.toMatchObject({ verdict: true });
  });

  it("throws with the seed, the shrunk counterexample and the replay command, and the replay reproduces it", async () => {
    const err = (await assertRun({ broker: "memory://?defects=lose-acked", suites: ["at-least-once"], runs: 10, seed: 7, out }).catch((e: unknown) => e)) as RunFailedError;
    expect(err).toBeInstanceOf(RunFailedError);
    expect(err.message).toMatch(/seed 7/);
    expect(err.message).toMatch(/at-least-once\/lost/);
    expect(err.message).toMatch(/shrunk counterexample: \{"version":1/);
    const replay = /replay: npx gauntlet replay (\S+)/.exec(err.message)?.[1];
    expect(replay).toMatch(/repro-at-least-once\.json$/);
    const again = await run(await readReplayTest(replay!, { times: 2, out }));
    expect(again.suites[0]?.replayed).toEqual({ times: 2, failures: 2, unknowns: 0 });
    expect(again.command).toBe(`npx gauntlet replay ${replay} --times 2`);
  });
});
