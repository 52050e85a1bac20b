import type { Capability } from "../../core/capabilities.js";
import type { Driver, StartedEnvironment } from "../../core/driver.js";
import { describeError } from "../../core/errors.js";

/** One behaviour check any driver runs; `requires` lists what the broker must offer. */
export interface ConformanceCheck {
  name: string;
  description: string;
  requires: readonly Capability[];
  run(driver: Driver, entity: string): Promise<void>;
}

export interface ConformanceResult {
  name: string;
  description: string;
  status: "pass" | "fail" | "n/a";
  /** Failure message, or the missing capabilities for n/a. */
  detail?: string;
  ms: number;
}

/** Thrown by checks when the broker misbehaves. */
export class ConformanceFailure extends Error {}

/** Fail the check with `message` unless `condition` holds. */
export function expectThat(condition: boolean, message: string): asserts condition {
  if (!condition) throw new ConformanceFailure(message);
}

/**
 * Run every check on a fresh driver with its own entity names. A check whose capabilities the
 * broker lacks is reported "n/a" with the missing ones, never silently skipped.
 */
export async function runConformance(env: StartedEnvironment, checks: readonly ConformanceCheck[]): Promise<ConformanceResult[]> {
  const results: ConformanceResult[] = [];
  let n = 0;
  for (const check of checks) {
    const started = Date.now();
    const driver = await env.connect({ seed: 1000 + n, runId: `conformance-${n}` });
    try {
      const missing = check.requires.filter((c) => !driver.capabilities.has(c));
      if (missing.length > 0) {
        results.push({ name: check.name, description: check.description, status: "n/a", detail: `broker lacks ${missing.join(", ")}`, ms: 0 });
        continue;
      }
      await check.run(driver, `conformance-${++n}`);
      results.push({ name: check.name, description: check.description, status: "pass", ms: Date.now() - started });
    } catch (error) {
      results.push({ name: check.name, description: check.description, status: "fail", detail: describeError(error), ms: Date.now() - started });
    } finally {
      await driver.close().catch(() => {});
    }
  }
  return results;
}
