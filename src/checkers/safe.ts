import type { CheckContext, Checker } from "../core/checker.js";
import type { History } from "../core/history.js";
import type { CheckResult } from "../core/result.js";
import { viewOf } from "./view.js";

/** An "unknown" result with a reason (and the error text when something crashed). */
export function unknownResult(reason: string, error?: string): CheckResult {
  return error === undefined ? { valid: "unknown", anomalies: {}, counts: {}, reason } : { valid: "unknown", anomalies: {}, counts: {}, reason, error };
}

/**
 * Run a checker so that it never throws: an exception becomes "unknown" with the error, and an
 * empty history, or one without a single send or delivery, is "unknown" because there is nothing to judge.
 */
export function checkSafely(checker: Checker, history: History, context?: Partial<CheckContext>): CheckResult {
  try {
    if (history.length === 0) return unknownResult("the history is empty");
    const view = viewOf(history, context);
    // A delivery with no send at all is still judged: it is `unexpected` (a ghost), not "nothing to check".
    if (view.sends.length === 0 && view.deliveries.length === 0) return unknownResult("the history has no send or delivery, so there is nothing to check");
    const result = checker.check(history, { ...context, setup: view.setup });
    if (!result || typeof result !== "object" || !("valid" in result)) return unknownResult(`checker ${checker.name} returned no result`);
    return result;
  } catch (err) {
    const error = err instanceof Error ? (err.stack ?? err.message) : String(err);
    const message = err instanceof Error ? err.message : String(err);
    return unknownResult(`checker ${checker.name} crashed: ${message}`, error);
  }
}
