/** What one outbox case did, as the checker needs it: pure data, no database. */
export interface OutboxOutcome {
  /** Order ids in the order their transactions committed, with their aggregates. */
  committed: { id: string; aggregate: string }[];
  /** Order ids whose transaction was rolled back. */
  rolledBack: string[];
  /** Every event the broker stored, in order: which order it is for and which relay invocation (or writer) published it. */
  published: { orderId: string; by: string }[];
  /** Relay invocations that crashed. */
  crashed: string[];
}

/** A violated outbox property, with the order it concerns. */
export interface OutboxViolation {
  kind: "event lost" | "event for a rolled-back transaction" | "event published twice without a crash" | "order broken";
  orderId: string;
  detail: string;
}

/**
 * The outbox properties: every committed order's event published at least once; no event for a
 * rolled-back (or never placed) order; an event published more than once only when a relay that
 * published it crashed before it could mark it (at-least-once), never because two relays both
 * took it; and, where claimed, events of an aggregate first published in commit order.
 */
export function checkOutbox(o: OutboxOutcome, claims: { orderPerAggregate?: boolean }): OutboxViolation[] {
  const out: OutboxViolation[] = [];
  const committed = new Set(o.committed.map((c) => c.id));
  const crashed = new Set(o.crashed);
  const byOrder = new Map<string, string[]>();
  for (const p of o.published) byOrder.set(p.orderId, [...(byOrder.get(p.orderId) ?? []), p.by]);
  for (const c of o.committed) if (!byOrder.has(c.id)) out.push({ kind: "event lost", orderId: c.id, detail: `order ${c.id} committed, its event was never published` });
  for (const [id, by] of byOrder) {
    if (!committed.has(id)) {
      out.push({ kind: "event for a rolled-back transaction", orderId: id, detail: `order ${id} ${o.rolledBack.includes(id) ? "was rolled back" : "was never committed"}, yet its event was published by ${by.join(", ")}` });
      continue;
    }
    const unexplained = by.filter((b) => !crashed.has(b));
    if (unexplained.length > 1) out.push({ kind: "event published twice without a crash", orderId: id, detail: `${id} was published by ${unexplained.join(" and ")}, none of which crashed (two relays took the same row: no lock between them)` });
  }
  if (claims.orderPerAggregate) {
    const rank = new Map(o.committed.map((c, i) => [c.id, i]));
    const aggregate = new Map(o.committed.map((c) => [c.id, c.aggregate]));
    const firstSeen: string[] = [];
    for (const p of o.published) if (committed.has(p.orderId) && !firstSeen.includes(p.orderId)) firstSeen.push(p.orderId);
    const last = new Map<string, string>();
    for (const id of firstSeen) {
      const agg = aggregate.get(id)!;
      const prev = last.get(agg);
      if (prev !== undefined && rank.get(prev)! > rank.get(id)!) out.push({ kind: "order broken", orderId: id, detail: `aggregate ${agg}: ${id} was first published after ${prev}, which committed later` });
      else last.set(agg, id);
    }
  }
  return out;
}
