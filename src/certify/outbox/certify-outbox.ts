import fc from "fast-check";
import pg from "pg";
import { InfrastructureError, describeError } from "../../core/errors.js";
import { startPostgresNode } from "../../brokers/local/postgres-node.js";
import { type OutboxCase, describeStep, outboxCaseArbitrary } from "./case.js";
import { type OutboxOutcome, type OutboxViolation, checkOutbox } from "./check.js";
import { loadOutboxModule } from "./contract.js";
import { runOutboxCase } from "./run-case.js";

/** Options of `gauntlet certify --pattern outbox`. */
export interface OutboxCertifyOptions {
  runs: number;
  seed: number;
  timeoutMs: number;
  /** An existing, throwaway database instead of a private Postgres (its tables are dropped). */
  dbUrl?: string;
}

/** The verdict, and the minimal failing case when there is one. */
export interface OutboxCertifyResult {
  certified: boolean;
  runs: number;
  shrinks: number;
  /** Where the cases ran: "private PostgreSQL 15 (port N)" or the --db host. */
  database: string;
  counterexample?: { case: OutboxCase; trace: string[]; outcome: OutboxOutcome; violations: OutboxViolation[] };
}

/**
 * Certify a transactional outbox module against a real Postgres: fast-check generates orders,
 * rolled-back transactions, relay passes crashing at each publish and relays running two at once;
 * each case is checked against the committed orders and the events the broker stored; a failure
 * is shrunk to a minimal case.
 */
export async function certifyOutbox(path: string, options: OutboxCertifyOptions): Promise<OutboxCertifyResult> {
  const module = await loadOutboxModule(path);
  const node = options.dbUrl ? undefined : await startPostgresNode();
  const url = options.dbUrl ?? node!.url;
  const admin = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  admin.on("error", () => {});
  try {
    try {
      await admin.connect();
    } catch (err) {
      throw new InfrastructureError(`cannot connect to the database ${redact(url)}: ${describeError(err)}`, "check --db (postgres://user@host:port/db of a throwaway database), or leave it out to let Gauntlet start a private PostgreSQL");
    }
    const env = { url, admin, module, path, timeoutMs: options.timeoutMs };
    const claims = module.claims ?? {};
    let fatal: unknown;
    let executed = 0;
    // The counterexample as it failed (a race between two relays need not fail again on a rerun):
    // fast-check's final counterexample is the last case that failed.
    let lastFailure: OutboxCertifyResult["counterexample"];
    const property = fc.asyncProperty(outboxCaseArbitrary, async (c) => {
      if (fatal) return true;
      try {
        executed += 1;
        const { outcome, trace } = await runOutboxCase(env, c);
        const violations = checkOutbox(outcome, claims);
        if (violations.length > 0) lastFailure = { case: c, trace, outcome, violations };
        return violations.length === 0;
      } catch (err) {
        fatal = err;
        return true;
      }
    });
    const details = await fc.check(property, { seed: options.seed, numRuns: options.runs });
    if (fatal) throw fatal;
    const database = node ? `private PostgreSQL 15 (port ${node.port})` : redact(url);
    if (!details.failed) return { certified: true, runs: executed, shrinks: details.numShrinks, database };
    if (!lastFailure) throw details.errorInstance ?? new Error("fast-check reported a failure without a counterexample");
    return { certified: false, runs: executed, shrinks: details.numShrinks, database, counterexample: lastFailure };
  } finally {
    await admin.end().catch(() => {});
    await node?.stop();
  }
}

/** A database URL without its password. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");
}

/** The console summary. */
export function formatOutbox(path: string, r: OutboxCertifyResult, seed: number): string {
  const lines = [`certify --pattern outbox ${path}: ${r.certified ? "CERTIFIED" : `NOT CORRECT: ${[...new Set(r.counterexample?.violations.map((v) => v.kind))].join(", ")}`}`];
  lines.push(`  database: ${r.database}   runs: ${r.runs}${r.shrinks ? ` (${r.shrinks} shrink steps)` : ""}   seed: ${seed}`);
  const x = r.counterexample;
  if (x) {
    lines.push("", "orders:", ...x.case.orders.map((o) => `  ${o.id}  aggregate ${o.aggregate}  amount ${o.amount}`));
    lines.push("", `minimal failing case (${x.case.steps.length} step${x.case.steps.length === 1 ? "" : "s"}: ${x.case.steps.map(describeStep).join("; ") || "none"}):`, ...x.trace.map((t) => `  ${t}`));
    lines.push("", "events the broker stored:", `  ${x.outcome.published.map((p) => `${p.orderId} (by ${p.by})`).join(", ") || "(none)"}`);
    lines.push("violations:", ...x.violations.map((v) => `  ${v.kind}: ${v.detail}`));
  }
  lines.push("", `rerun: npx gauntlet certify --pattern outbox ${path} --seed ${seed}`);
  return lines.join("\n");
}
