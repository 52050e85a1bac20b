import type { History } from "./history.js";
import type { CheckResult } from "./result.js";
import type { SetupValue } from "./setup.js";

/** Options a checker receives besides the history. */
export interface CheckContext {
  /** The run's setup (entities, claims, tolerance); derived from the history's setup op when absent. */
  setup: SetupValue;
}

/** A pure function history → result. Must not throw; `check()` in checkers/ guards it anyway. */
export interface Checker {
  readonly name: string;
  /** One line: what property it checks. */
  readonly description: string;
  /** Anomaly names it can report. */
  readonly anomalies: readonly string[];
  check(history: History, context: CheckContext): CheckResult;
}
