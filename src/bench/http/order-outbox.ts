/**
 * The sample order service's outbox mode (the seeds' transactional outbox, on PostgreSQL):
 * `POST /orders` writes the order row and its OrderPlaced outbox row in ONE transaction and answers
 * 201 after the COMMIT; relays publish the pending outbox rows to the broker and mark them.
 *
 *   orders (seq, id, customer_id, total, items, request_id)
 *   outbox (seq, order_id, aggregate, event, published_at, published_by)
 *
 * A relay pass: BEGIN; take up to RELAY_BATCH pending rows `FOR UPDATE SKIP LOCKED` (a second
 * relay takes other rows, never the same ones); publish them (each awaited until the broker
 * acked it); mark them; COMMIT. A crash before the COMMIT rolls the marks back and the next pass
 * publishes again: at least once. Order per aggregate is not claimed (SKIP LOCKED, parallel
 * publishes, and sequence numbers assigned before commit all allow an aggregate's events to leave
 * out of commit order).
 *
 * Defects (deliberate bugs, for showing that the bench's outbox check catches them):
 *   publish-then-commit      the service publishes the event inside the transaction, before its
 *                            COMMIT (a dual write, no outbox row): a declined order's rollback
 *                            leaves its event published        → "event for a rolled-back transaction"
 *   no-lock-between-relays   relays read pending rows without a lock: two relays publish the same
 *                            rows                              → "event published twice without a crash"
 */
import pg from "pg";

export const OUTBOX_DEFECTS = {
  "publish-then-commit": "the service publishes OrderPlaced inside the order's transaction, before COMMIT (no outbox row): a declined order's event is published although its transaction rolled back",
  "no-lock-between-relays": "relays read the pending outbox rows without a lock: two relays publish the same rows (duplicates no crash explains)",
} as const;

export type OutboxDefect = keyof typeof OUTBOX_DEFECTS;

export function isOutboxDefect(name: string): name is OutboxDefect {
  return Object.hasOwn(OUTBOX_DEFECTS, name);
}

/** Rows a relay pass takes at most. */
const RELAY_BATCH = 100;
/** How long an idle relay sleeps before its next pass. */
const RELAY_IDLE_MS = 10;

/** An event as the outbox stores it: a JSON object carrying its order's id. */
export interface OutboxEvent {
  payload: { orderId: string; customerId: string };
  /** Which relay (or the service itself, under a defect) published this copy. */
  publishedBy?: string;
}

/** The order service's database side: its pool, the transactional write and the relays. */
export class OrderOutbox {
  private readonly pool: pg.Pool;
  private readonly relays: Promise<void>[] = [];
  private stopping = false;

  constructor(
    url: string,
    private readonly defect?: OutboxDefect,
    poolSize = 20,
  ) {
    this.pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 10_000 });
    this.pool.on("error", () => {}); // an idle client's backend went away: the pool replaces it
  }

  /** Drop and create the service's tables (the database is the service's own). */
  async reset(): Promise<void> {
    await this.pool.query("DROP TABLE IF EXISTS outbox, orders");
    await this.pool.query("CREATE TABLE orders (seq bigserial PRIMARY KEY, id text UNIQUE NOT NULL, customer_id text NOT NULL, total numeric NOT NULL, items jsonb NOT NULL, request_id text)");
    await this.pool.query("CREATE TABLE outbox (seq bigserial PRIMARY KEY, order_id text NOT NULL, aggregate text NOT NULL, event jsonb NOT NULL, published_at timestamptz, published_by text)");
    await this.pool.query("CREATE INDEX outbox_pending ON outbox (seq) WHERE published_at IS NULL");
  }

  /**
   * Write the order and its outbox row in one transaction; `authorize` (the payment step, inside
   * the transaction) returns false to decline, and the transaction is rolled back. Resolves true
   * when the transaction committed.
   */
  async placeOrder(event: OutboxEvent, total: number, items: unknown, requestId: string | undefined, authorize: () => boolean, publish: (event: OutboxEvent) => Promise<void>): Promise<boolean> {
    const { orderId, customerId } = event.payload;
    const db = await this.pool.connect();
    try {
      await db.query("BEGIN");
      try {
        await db.query("INSERT INTO orders (id, customer_id, total, items, request_id) VALUES ($1, $2, $3, $4, $5)", [orderId, customerId, total, JSON.stringify(items), requestId ?? null]);
        if (this.defect === "publish-then-commit") await publish({ ...event, publishedBy: "the order service, inside its transaction" });
        else await db.query("INSERT INTO outbox (order_id, aggregate, event) VALUES ($1, $2, $3)", [orderId, customerId, event]);
        if (!authorize()) {
          await db.query("ROLLBACK");
          return false;
        }
        await db.query("COMMIT");
        return true;
      } catch (err) {
        await db.query("ROLLBACK").catch(() => {});
        throw err;
      }
    } finally {
      db.release();
    }
  }

  /** One relay pass; resolves with the number of rows it published. */
  async relayPass(name: string, publish: (event: OutboxEvent) => Promise<void>): Promise<number> {
    const db = await this.pool.connect();
    try {
      await db.query("BEGIN");
      try {
        const lock = this.defect === "no-lock-between-relays" ? "" : " FOR UPDATE SKIP LOCKED";
        const { rows } = await db.query<{ seq: string; event: OutboxEvent }>(`SELECT seq, event FROM outbox WHERE published_at IS NULL ORDER BY seq LIMIT ${RELAY_BATCH}${lock}`);
        await Promise.all(rows.map((r) => publish({ ...r.event, publishedBy: name })));
        if (rows.length > 0) await db.query("UPDATE outbox SET published_at = now(), published_by = $2 WHERE seq = ANY($1)", [rows.map((r) => r.seq), name]);
        await db.query("COMMIT");
        return rows.length;
      } catch (err) {
        await db.query("ROLLBACK").catch(() => {});
        throw err;
      }
    } finally {
      db.release();
    }
  }

  /**
   * Start `count` relays (relay-1 … relay-N), each looping passes until stopRelays(). A pass is
   * named `relay-I pass P` in what it publishes; a pass that failed (a publish rejected or timed
   * out, a database error) rolled its marks back, so what it did publish goes out again: `onError`
   * gets its name, as the checker's crashed relay.
   */
  startRelays(count: number, publish: (event: OutboxEvent) => Promise<void>, onError: (pass: string, err: unknown) => void): void {
    for (let i = 1; i <= count; i++) {
      this.relays.push(
        (async () => {
          for (let pass = 1; !this.stopping; pass++) {
            const name = `relay-${i} pass ${pass}`;
            let n = 0;
            try {
              n = await this.relayPass(name, publish);
            } catch (err) {
              onError(name, err);
            }
            if (n === 0 && !this.stopping) await new Promise((r) => setTimeout(r, RELAY_IDLE_MS));
          }
        })(),
      );
    }
  }

  /** Rows not yet published. */
  async pending(): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>("SELECT count(*) AS n FROM outbox WHERE published_at IS NULL");
    return Number(rows[0]?.n ?? 0);
  }

  /** Let the relays publish what is pending (up to timeoutMs), then stop them. */
  async stopRelays(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.relays.length > 0 && Date.now() < deadline && (await this.pending().catch(() => 0)) > 0) await new Promise((r) => setTimeout(r, 20));
    this.stopping = true;
    await Promise.allSettled(this.relays);
  }

  async close(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled(this.relays);
    await this.pool.end().catch(() => {});
  }
}

/** What the database says after a run: the committed orders (commit-ish order: their seq) and the rows never published. */
export async function readOrderOutbox(url: string): Promise<{ committed: { id: string; aggregate: string }[]; pendingRows: number }> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on("error", () => {});
  await client.connect();
  try {
    const orders = await client.query<{ id: string; customer_id: string }>("SELECT id, customer_id FROM orders ORDER BY seq");
    const pending = await client.query<{ n: string }>("SELECT count(*) AS n FROM outbox WHERE published_at IS NULL");
    return { committed: orders.rows.map((r) => ({ id: r.id, aggregate: r.customer_id })), pendingRows: Number(pending.rows[0]?.n ?? 0) };
  } finally {
    await client.end().catch(() => {});
  }
}
