import pg from "pg";
import type { OutboxDb } from "./contract.js";

/** A promise that never settles: what a crashed relay's pending call turns into (its code stops there). */
export const never = <T>(): Promise<T> => new Promise<T>(() => {});

/**
 * One connection handed to the module, with Gauntlet's hands on it: `failCommit` turns the next
 * COMMIT into a ROLLBACK that throws (a transaction that did not commit); `crash()` kills the
 * backend (Postgres rolls back what was open) and every later call never settles, as if the
 * process running the module had died.
 */
export class GauntletConnection implements OutboxDb {
  crashed = false;
  failCommit = false;
  /** Set when failCommit turned a COMMIT into a ROLLBACK. */
  rolledBack = false;

  private constructor(
    private readonly client: pg.Client,
    private readonly admin: pg.Client,
  ) {}

  static async open(url: string, admin: pg.Client): Promise<GauntletConnection> {
    const client = new pg.Client({ connectionString: url });
    client.on("error", () => {}); // a terminated backend is expected after a crash
    await client.connect();
    return new GauntletConnection(client, admin);
  }

  async query(text: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[]; rowCount: number | null }> {
    if (this.crashed) return never();
    if (this.failCommit && /^\s*(commit|end)\b/i.test(text)) {
      this.failCommit = false;
      this.rolledBack = true;
      await this.client.query("ROLLBACK");
      throw new Error("COMMIT failed: the transaction was rolled back (Gauntlet injected it)");
    }
    let r: pg.QueryResult;
    try {
      r = await this.client.query(text, params as unknown[] | undefined);
    } catch (err) {
      if (this.crashed) return never();
      throw err;
    }
    if (this.crashed) return never();
    return { rows: r.rows as Record<string, unknown>[], rowCount: r.rowCount };
  }

  /** Kill the backend and wait until Postgres has rolled back its transaction. */
  async crash(): Promise<void> {
    this.crashed = true;
    const pid = (this.client as unknown as { processID: number }).processID;
    await this.admin.query("SELECT pg_terminate_backend($1)", [pid]);
    for (let i = 0; i < 200; i++) {
      const r = await this.admin.query("SELECT 1 FROM pg_stat_activity WHERE pid = $1", [pid]);
      if (r.rowCount === 0) break;
      await new Promise((res) => setTimeout(res, 5));
    }
    this.client.end().catch(() => {});
  }

  async close(): Promise<void> {
    if (!this.crashed) await this.client.end().catch(() => {});
  }
}
