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
  /** A crashed or closed client's locks on entities with orderedKeys (sessions) return at once: the broker frees the session with its holder's link (Service Bus). */
  sessionLocksReleasedOnCrash?: boolean;
  /** The broker stores a send's messages all or none (Service Bus batches, memory://): an indeterminate batch one of whose messages was read is owed whole. */
  atomicBatches?: boolean;
  /** Clock tolerance for lock comparisons, ms. */
  clockToleranceMs?: number;
  /** Guarantees the suite claims, which decide whether some anomalies fail the run. */
  claims?: Claims;
  /**
   * Settings of each address (queue, topic, or topic/subscription) read back from the broker
   * after creating it (Driver.describe): the configuration this run validated.
   */
  described?: Record<string, Record<string, unknown>>;
  /** Claim-check runs: payloads over `thresholdBytes` go to the store (`store` says which kind). */
  claimCheck?: { thresholdBytes: number; cleanupWindowMs: number; store: string };
  /** Checkers to run on this history (by name); all by default. */
  checkers?: string[];
}

export interface Claims {
  /** Each message is processed (completed) once and producer retries are deduplicated. */
  exactlyOnce?: boolean;
  /** First deliveries per key follow send order. */
  orderedPerKey?: boolean;
  /**
   * A plan's claim that messages at an address are dead-lettered once they were delivered this
   * many times; checked instead of the entity's maxDeliveryCount (which may be absent or differ).
   */
  deadLetterAfter?: Record<string, number>;
}
