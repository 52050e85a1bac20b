import type { EntitySpec } from "./entities.js";

/**
 * value of the `setup` op that opens every run Gauntlet records. It makes a history
 * self-describing, so `gauntlet check` can analyse it without the scenario.
 */
export interface SetupValue {
  /** Broker URL with credentials removed. */
  broker: string;
  suite?: string;
  seed?: number;
  entities: EntitySpec[];
  /** What the broker does with locks held by a client that crashes or closes. */
  locksReleasedOnCrash?: boolean;
  /** The broker stores a send's messages all or none (Service Bus batches, memory://): an indeterminate batch one of whose messages was read is owed whole. */
  atomicBatches?: boolean;
  /** Clock tolerance for lock comparisons, ms. */
  clockToleranceMs?: number;
  /** Guarantees the suite claims, which decide whether some anomalies fail the run. */
  claims?: Claims;
  /** Checkers to run on this history (by name); all by default. */
  checkers?: string[];
}

export interface Claims {
  /** Each message is processed (completed) once and producer retries are deduplicated. */
  exactlyOnce?: boolean;
  /** First deliveries per key follow send order. */
  orderedPerKey?: boolean;
}
