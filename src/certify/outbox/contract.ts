import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { UsageError, describeError } from "../../core/errors.js";

/** What Gauntlet hands the module instead of a driver: one connection, `query` as in node-postgres. */
export interface OutboxDb {
  query(text: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[]; rowCount: number | null }>;
}

/** An order as Gauntlet places it: a unique id, the aggregate its events are ordered by, an amount. */
export interface OutboxOrder {
  id: string;
  aggregate: string;
  amount: number;
}

/** Publish one event to the broker; resolves once the broker acked it. The event must carry `orderId`. */
export type Publish = (event: { orderId: string } & Record<string, unknown>) => Promise<void>;

/** The module contract of `gauntlet certify --pattern outbox` (docs/patterns.md). */
export interface OutboxModule {
  /** Drop and create every table the module uses (called before each case). */
  reset(db: OutboxDb): Promise<unknown> | unknown;
  /** Write the order and its OrderPlaced event (the outbox row): one transaction. */
  placeOrder(db: OutboxDb, order: OutboxOrder, publish: Publish): Promise<unknown> | unknown;
  /** One pass of the relay: publish the events not yet published, and mark them. */
  relay(db: OutboxDb, publish: Publish): Promise<unknown> | unknown;
  /** What the module promises beyond at-least-once; `orderPerAggregate`: events of an aggregate are first published in commit order. */
  claims?: { orderPerAggregate?: boolean };
}

const REQUIRED = ["reset", "placeOrder", "relay"] as const;

/** Import an outbox module and check its exports; a bad module is a UsageError (exit 3) naming what is missing. */
export async function loadOutboxModule(path: string): Promise<OutboxModule> {
  let ns: Record<string, unknown>;
  try {
    ns = (await import(pathToFileURL(resolve(path)).href)) as Record<string, unknown>;
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new UsageError(`outbox module ${path}: ${code === "ERR_MODULE_NOT_FOUND" ? "no such file" : `cannot import it: ${describeError(err)}`}`, "pass a .js, .mjs or .ts module that exports reset(db), placeOrder(db, order, publish) and relay(db, publish); see docs/patterns.md");
  }
  const missing = REQUIRED.filter((name) => typeof ns[name] !== "function");
  if (missing.length > 0) {
    const have = Object.keys(ns).filter((k) => k !== "default");
    throw new UsageError(
      `outbox module ${path}: missing export${missing.length > 1 ? "s" : ""} ${missing.map((m) => `${m}()`).join(", ")} (it exports ${have.length ? have.join(", ") : "nothing"})`,
      "an outbox module exports reset(db), placeOrder(db, order, publish) and relay(db, publish); see docs/patterns.md",
    );
  }
  if (ns.claims !== undefined && (typeof ns.claims !== "object" || ns.claims === null)) throw new UsageError(`outbox module ${path}: export claims must be an object such as { orderPerAggregate: true }`, "export claims as a plain object, or remove it");
  return ns as unknown as OutboxModule;
}
