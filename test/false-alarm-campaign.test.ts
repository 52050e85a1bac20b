import { describe, expect, it } from "vitest";
import { runSuite, startBlobStore, startEnvironment } from "../src/index.js";
import { SUITES } from "../src/suites/index.js";

/**
 * A correct broker whose client calls time out (memory://?timeouts=RATE: the request is lost,
 * the reply is lost, or the request arrives after the client gave up) must never be called
 * INVALID: indeterminate sends, receives, settles and renewals leave verdicts valid or unknown.
 * The long campaign (thousands of runs per suite) is `npm run campaign`; see docs/checkers.md.
 */
describe("false-alarm campaign: memory:// with timed-out operations", () => {
  // Seed 7 at 0.15 found three false alarms before checkers/indeterminate.ts (order-violation,
  // settle-after-lock-loss-accepted, lost after a late receive-and-delete).
  it.each([
    ["memory://?timeouts=0.15", 7, 100],
    ["memory://?timeouts=0.2", 11, 60],
    ["memory://?timeouts=0.3&latency-ms=0.05-3", 12, 60],
  ])("%s: no suite is INVALID (seed %i, %i runs each)", async (url, seed, runs) => {
    const env = await startEnvironment(url);
    try {
      for (const suite of SUITES.filter((x) => !x.needsStore)) {
        const { outcome } = await runSuite(suite, { env, runs, seed });
        expect([suite.name, outcome.verdict, outcome.results]).not.toEqual([suite.name, false, expect.anything()]);
      }
    } finally {
      await env.stop();
    }
  }, 120_000);

  // The claim-check suite with a file store: indeterminate sends and settlements never make a payload dangle or an orphan.
  it("memory://?timeouts=0.15: claim-check is not INVALID (seed 7, 30 runs)", async () => {
    const env = await startEnvironment("memory://?timeouts=0.15");
    const store = await startBlobStore("file");
    try {
      const suite = SUITES.find((x) => x.name === "claim-check")!;
      const { outcome } = await runSuite(suite, { env, runs: 30, seed: 7, store });
      expect([outcome.verdict, outcome.results]).not.toEqual([false, expect.anything()]);
      expect(outcome.runs).toBe(30);
    } finally {
      await store.stop();
      await env.stop();
    }
  }, 120_000);
});
