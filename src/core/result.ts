/** Checker results and verdicts. */

/** Jepsen's three-valued verdict: false beats "unknown" beats true. */
export type Verdict = true | false | "unknown";

/** One example of an anomaly, pointing at the history so a person can find it. */
export interface AnomalyExample {
  /** History indexes of the ops involved. */
  indexes: number[];
  /** Message id and entity where relevant. */
  id?: string;
  entity?: string;
  key?: string;
  /** One sentence a person can read. */
  explanation: string;
  [extra: string]: unknown;
}

/** A checker's result: data, never an exception. */
export interface CheckResult {
  valid: Verdict;
  /** Anomaly name → capped examples. Only anomalies that make the result invalid or unknown belong here. */
  anomalies: Record<string, AnomalyExample[]>;
  /** Anomaly name → total count (uncapped); also counts allowed events (e.g. redelivered). */
  counts: Record<string, number>;
  /** Free-form figures: attempts, acked, delivered, fractions... */
  stats?: Record<string, number>;
  /** Why the verdict is "unknown", or a note on an n/a result. */
  reason?: string;
  /** Set when the property does not apply to this broker or history. */
  notApplicable?: boolean;
  /** Error text when the checker itself crashed (verdict "unknown"). */
  error?: string;
}

/** Results of several named checkers plus the merged verdict. */
export interface ComposedResult extends CheckResult {
  results: Record<string, CheckResult>;
}

/** Examples kept per anomaly name. */
export const EXAMPLE_CAP = 8;

/** Merge verdicts: false beats "unknown" beats true. */
export function mergeVerdicts(verdicts: Iterable<Verdict>): Verdict {
  let merged: Verdict = true;
  for (const v of verdicts) {
    if (v === false) return false;
    if (v === "unknown") merged = "unknown";
  }
  return merged;
}

/** Process exit code for a verdict: 0 valid, 1 invalid, 2 unknown. */
export function exitCodeFor(verdict: Verdict): 0 | 1 | 2 {
  return verdict === true ? 0 : verdict === false ? 1 : 2;
}
