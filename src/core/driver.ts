import type { Capability } from "./capabilities.js";
import type { Clock } from "./clock.js";
import type { EntitySpec } from "./entities.js";
import type { FaultInjector } from "./faults.js";
import type { Delivery, SentMessage, SettleOutcome } from "./history.js";

/**
 * Client-side adapter to one broker family through its real SDK (or the embedded broker).
 * Errors: throw `DefiniteFailure` when an operation definitely did not happen (recorded as
 * `fail`); any other error is indeterminate (recorded as `info`).
 */
export interface Driver {
  /** Broker family: memory, amqp, kafka, servicebus... */
  readonly family: string;
  readonly capabilities: ReadonlySet<Capability>;
  /** The clock every time in deliveries is expressed on (lockedUntil). */
  readonly clock: Clock;
  /**
   * Durations in scenarios are multiplied by this before they run (default 1): suites are written
   * for virtual milliseconds, and an SDK-driven real-time broker needs proportionally more room.
   */
  readonly timeScale?: number;
  /**
   * How far the broker's stamps (lockedUntil) may sit from the truth on `clock`, ms (default 0):
   * the broker clock's resolution plus converting it. Written into the setup as
   * clockToleranceMs; checkers neither order deliveries by stamps closer than this nor call a
   * lock broken by less.
   */
  readonly clockToleranceMs?: number;
  /** Whether the broker stores a batch send's messages all or none (written into the setup; default false). */
  readonly atomicBatches?: boolean;
  /** Whether a crashed or closed client's locks return to the queue at once (else they expire). */
  readonly locksReleasedOnCrash: boolean;
  /** Whether, on entities with orderedKeys (sessions), a crashed or closed client's locks return at once although others' do not (default false). */
  readonly sessionLocksReleasedOnCrash?: boolean;
  /** Create the entities (idempotent). Names are logical; a driver may prefix them. */
  provision(entities: readonly EntitySpec[]): Promise<void>;
  producer(): Promise<Producer>;
  consumer(source: string, options: ConsumerOptions): Promise<Consumer>;
  /**
   * Broker-side events worth a line in the history (Kafka rebalances): recorded by the runner as
   * an op pair on process "broker" with `f` and `value` as given. Optional.
   */
  onEvent?(listener: (event: DriverEvent) => void): void;
  /**
   * Read back the settings each provisioned address actually got (in QueueSpec's words, plus
   * `native` keys the driver can read), keyed by address. Optional: recorded in the setup op
   * when present, and a declared setting the broker ignored or changed fails the run.
   */
  describe?(): Promise<Record<string, Record<string, unknown>>>;
  /**
   * For entities that already exist (EntitySpec.existing): how many messages each receivable
   * address holds now, by peeking (nothing is received or settled). Rejects when one does not
   * exist. Optional: a driver without it cannot test existing entities.
   */
  countExisting?(entities: readonly EntitySpec[]): Promise<Record<string, number>>;
  /** "at-least" when countExisting stops counting (a peek of at most 100 per address); absent: exact counts. */
  readonly existingCounts?: "exact" | "at-least";
  /** Remove and return every message left at `source` (or its DLQ), waiting out held locks. */
  drain(source: string, options: DrainOptions): Promise<Delivery[]>;
  close(): Promise<void>;
}

export interface DriverEvent {
  f: string;
  value: Record<string, unknown>;
}

/** Where the broker stored one sent message (Kafka: partition and offset). */
export interface StoredAt {
  partition: number;
  offset: string;
  /** The node that acknowledged it, where the client tells (Kafka: the partition leader's broker id at send time). */
  node?: string;
}

export interface Producer {
  /**
   * Send one message, or a batch atomically when `messages.length > 1` and batch-send is supported.
   * A driver that knows where the broker stored each message returns that, in message order.
   */
  send(target: string, messages: readonly SentMessage[]): Promise<void | readonly (StoredAt | undefined)[]>;
  close(): Promise<void>;
  /** The broker node serving this client, where the client tells (a cluster's node name); recorded on its ops. */
  node?(): string | undefined;
}

export interface ConsumerOptions {
  mode: "peek-lock" | "receive-and-delete";
}

export interface Consumer {
  /** Up to `max` deliveries; waits at most `waitMs` for the first. */
  receive(max: number, waitMs: number): Promise<Delivery[]>;
  settle(delivery: Delivery, outcome: SettleOutcome, options?: { reason?: string; description?: string }): Promise<void>;
  /** Extend the lock; returns the new lockedUntil on the driver's clock. */
  renew(delivery: Delivery): Promise<number>;
  /** Die abruptly: no settlements, connection gone; locks follow `locksReleasedOnCrash`. */
  crash(): Promise<void>;
  close(): Promise<void>;
  /** The broker node serving this client, where the client tells (a cluster's node name); recorded on its ops. */
  node?(): string | undefined;
}

export interface DrainOptions {
  dlq: boolean;
  /** Longest time to wait for held locks to expire, ms. */
  maxWaitMs: number;
}

/** Everything a run needs from a broker environment: a fresh driver per scenario. */
export interface StartedEnvironment {
  /** URL with credentials removed, for reports. */
  readonly url: string;
  /** Connect a driver for one scenario run. `seed` drives embedded brokers' scheduling. */
  connect(options: { seed: number; runId: string }): Promise<Driver>;
  /** Present when the environment was started with faults (`gauntlet run --faults`). */
  readonly faults?: FaultInjector;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}
