/** The handler contract `gauntlet certify` checks, and the data its runs produce. See docs/certify.md. */

/** A plain JSON value: what snapshot() must return and what message bodies are. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** One message as the handler receives it: a unique id, an ordering key and a JSON body. */
export interface CertifyMessage {
  id: string;
  key: string;
  body: Json;
}

/** What a handler learns about a delivery, as a broker would tell it. */
export interface DeliveryContext {
  /** 1-based count of deliveries of this copy of the message, including this one. */
  deliveryCount: number;
  /** True when this copy was delivered before (deliveryCount > 1). A duplicate copy is not "redelivered". */
  redelivered: boolean;
  /** Aborted when the delivery's lock is lost (expired while the handler still runs) or it times out. */
  signal: AbortSignal;
  /** A directory that persists across restarts for the whole certify run: put a file-backed store here. */
  storeDir: string;
  /**
   * True on a delivery where Gauntlet simulates a transient failure of the handler's effect (a
   * store or downstream call that times out once): throw from the effect as that store would.
   * The delivery is then redelivered with deliveryCount + 1. Never true in the reference run.
   */
  transientFailure?: boolean;
}

/** What reset(), snapshot() and restart() receive. */
export interface HandlerEnv {
  /** Same as DeliveryContext.storeDir. */
  storeDir: string;
}

/**
 * A consumer handler module: `handle`, `snapshot` and `reset` are required; `restart` (drop
 * in-memory state, keep durable state) and `arbitraryBody` (a fast-check arbitrary of bodies) are optional.
 */
export interface HandlerModule {
  handle(message: CertifyMessage, context: DeliveryContext): unknown;
  snapshot(env: HandlerEnv): unknown;
  reset(env: HandlerEnv): unknown;
  restart?(env: HandlerEnv): unknown;
  arbitraryBody?(fc: typeof import("fast-check").default): unknown;
}

/** Ordering the certifier may assume of the broker. */
export type Semantics = "per-key-order" | "unordered";

/** Every semantics name, for option parsing and docs. */
export const SEMANTICS: readonly Semantics[] = ["per-key-order", "unordered"];

/** One line of the structural difference between two snapshots. */
export interface DiffEntry {
  /** JSON path such as `balances.k1` or `history.k1[1]` (`$` for the root). */
  path: string;
  /** Absent when the path is missing on that side. */
  expected?: Json;
  actual?: Json;
}

/** Result of running one schedule (or fault plan) against a handler. */
export interface ScheduleRun {
  /** Final snapshot after the schedule. */
  actual: Json;
  /** Readable, numbered account of what happened, one line per step. */
  trace: string[];
  /** handle() invocations the schedule made. */
  deliveries: number;
  /** Ids of messages one of whose deliveries threw (a failed attempt, redelivered). */
  failedAttempts?: string[];
}
