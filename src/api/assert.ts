import type { RunSummary } from "../core/run.js";
import type { Test } from "../core/test.js";
import { type RunHooks, run } from "./run.js";

/** Thrown by assertRun when a test is not valid: the message has the seed, the shrunk counterexample and the replay command. */
export class RunFailedError extends Error {
  constructor(
    message: string,
    /** The whole summary (results.json), for callers that want more than the message. */
    readonly summary: RunSummary,
  ) {
    super(message);
    this.name = "RunFailedError";
  }
}

/**
 * Run a test and throw RunFailedError unless every applicable suite is valid — for vitest and
 * other test runners (fast-check's `assert` to `run`'s `check`). Usage and infrastructure errors
 * propagate as GauntletError.
 */
export async function assertRun(test: Test, hooks: RunHooks = {}): Promise<RunSummary> {
  const summary = await run(test, hooks);
  if (summary.verdict === true) return summary;
  throw new RunFailedError(failureMessage(summary), summary);
}

/** What went wrong, suite by suite, in the words a person needs to reproduce it. */
export function failureMessage(summary: RunSummary): string {
  const lines = [`gauntlet: ${summary.verdict === false ? "INVALID" : "unknown"} on ${summary.broker} (seed ${summary.seed})`];
  for (const s of summary.suites) {
    if (s.notApplicable || s.verdict === true) continue;
    const anomalies = Object.entries(s.results).flatMap(([checker, r]) => Object.entries(r.anomalies).map(([name, ex]) => `${checker}/${name} ×${ex.length}`));
    lines.push(`- ${s.suite}: ${s.verdict === false ? "INVALID" : "unknown"}${anomalies.length ? ` — ${anomalies.join(", ")}` : ""}${s.error ? ` — ${s.error}` : ""}`);
    if (s.counterexample) lines.push(`  shrunk counterexample: ${JSON.stringify(s.counterexample)}`);
    if (s.replayCommand) lines.push(`  replay: ${s.replayCommand}`);
  }
  lines.push(`rerun: ${summary.command}`, `report: ${summary.reportDir}/report.html`);
  return lines.join("\n");
}
