/**
 * The outbox check of `gauntlet bench http --outbox`, from the database and the broker's history:
 * the committed orders are the `orders` table, the published events are the OrderPlaced events the
 * bench consumed (each naming the relay that published it). The properties are certify's
 * (src/certify/outbox/check.ts): every committed order's event published at least once, no event for
 * a rolled-back (or never committed) order, no duplicate no crash explains (the bench crashes no
 * relay; a relay pass that failed — a publish rejected or timed out — counts as crashed, since its
 * marks rolled back and its rows go out again). Order per aggregate is not claimed. On top, the
 * HTTP answers must agree with the database: a 201 order is committed, a 402 (declined) one is not.
 */
import { type OutboxOutcome, type OutboxViolation, checkOutbox } from "../../certify/outbox/check.js";
import type { ConsumedEvent, RequestOutcome } from "./exactly-once.js";

export interface OutboxBenchResult {
  ok: boolean;
  /** Where the orders were written: "private PostgreSQL 15 (port N)" or the --db URL without its password. */
  database: string;
  relays: number;
  /** Rows of the orders table. */
  committed: number;
  /** Orders answered 402: their transaction was rolled back. */
  rolledBack: number;
  /** OrderPlaced events consumed with an orderId. */
  published: number;
  /** Outbox rows still unpublished after the relays drained. */
  pendingRows: number;
  /** Relay passes that failed (their rows were retried; a duplicate they published is explained, as a crashed relay's). */
  relayErrors: number;
  /** Violations by kind (certify's names, plus the HTTP/database disagreements). */
  violations: Record<string, number>;
  /** The first few, spelled out. */
  examples: string[];
}

export type OutboxBenchViolation = OutboxViolation | { kind: "201 for an order not committed" | "402 for a committed order"; orderId: string; detail: string };

const EXAMPLES = 10;

export function checkOrderOutbox(
  db: { committed: { id: string; aggregate: string }[]; pendingRows: number },
  requests: Iterable<RequestOutcome>,
  events: readonly (ConsumedEvent & { publishedBy?: string })[],
  info: { database: string; relays: number; failedRelayPasses: readonly string[] },
): OutboxBenchResult {
  const committedIds = new Set(db.committed.map((c) => c.id));
  const rolledBack: string[] = [];
  const extra: OutboxBenchViolation[] = [];
  for (const r of requests) {
    if (r.orderId === undefined || r.status === undefined) continue;
    if (r.status >= 200 && r.status < 300 && !committedIds.has(r.orderId)) extra.push({ kind: "201 for an order not committed", orderId: r.orderId, detail: `${r.orderId} was answered ${r.status} but is not in the orders table` });
    if (r.status === 402) {
      rolledBack.push(r.orderId);
      if (committedIds.has(r.orderId)) extra.push({ kind: "402 for a committed order", orderId: r.orderId, detail: `${r.orderId} was declined (402) yet its order row committed` });
    }
  }
  const outcome: OutboxOutcome = {
    committed: db.committed,
    rolledBack,
    published: events.filter((e) => e.orderId !== undefined).map((e) => ({ orderId: e.orderId!, by: e.publishedBy ?? "an unnamed publisher" })),
    crashed: [...info.failedRelayPasses],
  };
  const all: OutboxBenchViolation[] = [...checkOutbox(outcome, { orderPerAggregate: false }), ...extra];
  const violations: Record<string, number> = {};
  for (const v of all) violations[v.kind] = (violations[v.kind] ?? 0) + 1;
  return {
    ok: all.length === 0,
    database: info.database,
    relays: info.relays,
    committed: db.committed.length,
    rolledBack: rolledBack.length,
    published: outcome.published.length,
    pendingRows: db.pendingRows,
    relayErrors: info.failedRelayPasses.length,
    violations,
    examples: all.slice(0, EXAMPLES).map((v) => `${v.kind}: ${v.detail}`),
  };
}
