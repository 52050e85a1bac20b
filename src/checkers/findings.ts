import { type AnomalyExample, type CheckResult, EXAMPLE_CAP, type Verdict } from "../core/result.js";

/**
 * Accumulates one checker's anomalies: uncapped counts for everything, capped examples for
 * the anomalies that are reported (those that make the result invalid or unknown).
 */
export class Findings {
  readonly anomalies: Record<string, AnomalyExample[]> = {};
  readonly counts: Record<string, number> = {};

  /** Count one occurrence of an allowed event (no example kept). */
  count(name: string): void {
    this.counts[name] = (this.counts[name] ?? 0) + 1;
  }

  /**
   * Count one occurrence of a reported anomaly; true when the caller should build an example
   * (so examples past the cap are never allocated).
   */
  report(name: string): boolean {
    this.count(name);
    let list = this.anomalies[name];
    if (!list) this.anomalies[name] = list = [];
    return list.length < EXAMPLE_CAP;
  }

  /** Keep an example for `name` (call after report() returned true). */
  example(name: string, example: AnomalyExample): void {
    const list = this.anomalies[name];
    if (list && list.length < EXAMPLE_CAP) list.push(example);
  }

  /** Total count of `name` (0 when never seen). */
  total(name: string): number {
    return this.counts[name] ?? 0;
  }

  /** True when any of `names` was seen at least once. */
  any(names: readonly string[]): boolean {
    for (const n of names) if ((this.counts[n] ?? 0) > 0) return true;
    return false;
  }

  /** Assemble the CheckResult. */
  result(valid: Verdict, extra: Partial<Omit<CheckResult, "valid" | "anomalies" | "counts">> = {}): CheckResult {
    const anomalies: Record<string, AnomalyExample[]> = {};
    for (const [name, list] of Object.entries(this.anomalies)) if (list.length > 0) anomalies[name] = list;
    return { valid, anomalies, counts: { ...this.counts }, ...extra };
  }
}

/** Verdict from invalidating and unknown-making anomaly names. */
export function verdictOf(findings: Findings, invalid: readonly string[], unknown: readonly string[] = []): Verdict {
  if (findings.any(invalid)) return false;
  if (findings.any(unknown)) return "unknown";
  return true;
}

/** Short list for reasons: at most `max` items, then "and N more". */
export function listSome(items: Iterable<string>, max = 5): string {
  const all = [...items];
  const head = all.slice(0, max).join(", ");
  return all.length > max ? `${head} and ${all.length - max} more` : head;
}
