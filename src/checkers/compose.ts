import type { CheckContext, Checker } from "../core/checker.js";
import type { History } from "../core/history.js";
import { type AnomalyExample, type CheckResult, type ComposedResult, EXAMPLE_CAP, mergeVerdicts } from "../core/result.js";
import { checkSafely } from "./safe.js";

/**
 * Run several checkers on one history (sharing one HistoryView) and merge: false beats
 * "unknown" beats true, not-applicable results are left out of the verdict.
 */
export function compose(checkers: readonly Checker[], history: History, context?: Partial<CheckContext>): ComposedResult {
  const results: Record<string, CheckResult> = {};
  for (const c of checkers) results[c.name] = checkSafely(c, history, context);
  return mergeResults(results);
}

/** Merge named results: verdict, anomalies (capped), counts (summed), stats (prefixed by checker name). */
export function mergeResults(results: Record<string, CheckResult>): ComposedResult {
  const anomalies: Record<string, AnomalyExample[]> = {};
  const counts: Record<string, number> = {};
  const stats: Record<string, number> = {};
  const reasons: string[] = [];
  const errors: string[] = [];
  const entries = Object.entries(results);
  const applicable = entries.filter(([, r]) => !r.notApplicable);
  const valid = mergeVerdicts(applicable.map(([, r]) => r.valid));
  for (const [name, r] of entries) {
    for (const [a, list] of Object.entries(r.anomalies)) {
      const merged = (anomalies[a] ??= []);
      for (const ex of list) if (merged.length < EXAMPLE_CAP) merged.push(ex);
    }
    for (const [a, n] of Object.entries(r.counts)) counts[a] = (counts[a] ?? 0) + n;
    for (const [s, n] of Object.entries(r.stats ?? {})) stats[`${name}.${s}`] = n;
    if (r.valid === "unknown" && !r.notApplicable && r.reason) reasons.push(`${name}: ${r.reason}`);
    if (r.error) errors.push(`${name}: ${r.error}`);
  }
  const out: ComposedResult = { valid, anomalies, counts, stats, results };
  if (reasons.length) out.reason = reasons.join("; ");
  if (errors.length) out.error = errors.join("\n");
  if (entries.length > 0 && applicable.length === 0) {
    out.notApplicable = true;
    out.reason = "no checker applies to this history";
  }
  return out;
}
