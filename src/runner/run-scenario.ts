import type { Checker } from "../core/checker.js";
import type { StartedEnvironment } from "../core/driver.js";
import type { Op } from "../core/history.js";
import type { ComposedResult } from "../core/result.js";
import type { Scenario } from "../core/scenario.js";
import type { Claims } from "../core/setup.js";
import type { StartedBlobStore } from "../core/blob-store.js";
import { describeError } from "../core/errors.js";
import { compose } from "../checkers/compose.js";
import { setupOf } from "../history/views.js";
import { JsonlWriter } from "../history/jsonl.js";
import { Recorder } from "../history/recorder.js";
import { executeScenario } from "./execute.js";
import { scaleScenario } from "../workload/scale.js";

/** One executed scenario: its history and what the checkers made of it. */
export interface ScenarioRun {
  scenario: Scenario;
  ops: Op[];
  result: ComposedResult;
}

export interface RunScenarioOptions {
  env: StartedEnvironment;
  checkers: readonly Checker[];
  claims: Claims;
  /** Run id stamped on every op (the suite name in `gauntlet run`). */
  runId: string;
  /** Stream ops here as they are recorded (crash-safe live history). */
  livePath?: string;
  /** The blob store of claim-check scenarios. */
  store?: StartedBlobStore;
}

/**
 * Connect a fresh driver, execute the scenario, check the history. Never throws for broker
 * trouble: an error that escapes the run yields verdict "unknown" with the error attached.
 */
export async function runScenario(scenario: Scenario, options: RunScenarioOptions): Promise<ScenarioRun> {
  const writer = options.livePath ? new JsonlWriter(options.livePath) : undefined;
  let recorder: Recorder | undefined;
  try {
    const driver = await options.env.connect({ seed: scenario.seed, runId: options.runId });
    try {
      recorder = new Recorder(driver.clock, writer ? [writer.sink] : [], options.runId);
      await executeScenario(scaleScenario(scenario, driver.timeScale ?? 1), driver, recorder, {
        broker: options.env.url,
        claims: options.claims,
        checkers: options.checkers.map((c) => c.name),
        ...(options.env.faults ? { faults: options.env.faults } : {}),
        ...(options.store ? { store: options.store } : {}),
      });
    } finally {
      await driver.close().catch(() => {});
    }
    const ops = [...recorder.ops];
    const { setup } = setupOf(ops);
    return { scenario, ops, result: compose(options.checkers, ops, { setup }) };
  } catch (error) {
    const ops = recorder ? [...recorder.ops] : [];
    const reason = `run aborted: ${describeError(error)}`;
    return {
      scenario,
      ops,
      result: { valid: "unknown", anomalies: {}, counts: {}, results: {}, reason, error: describeError(error) },
    };
  } finally {
    writer?.close();
  }
}
