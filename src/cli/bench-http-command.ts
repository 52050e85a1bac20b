import { join, relative, resolve } from "node:path";
import { ORDER_SERVICE_DEFECTS, isOrderServiceDefect } from "../bench/http/order-service.js";
import { OUTBOX_DEFECTS, isOutboxDefect } from "../bench/http/order-outbox.js";
import { redact } from "../environments/url.js";
import { EXIT, UsageError } from "../core/errors.js";
import { runHttpBench } from "../bench/http/run.js";
import { formatHttpText, writeHttpReport } from "../bench/http/report.js";
import type { HttpBenchRun } from "../bench/http/types.js";
import { parseDuration } from "../bench/matrix.js";
import { positiveInt, shellQuote } from "./options.js";
import { ensureOutRoot, makeReportDir, newRunId } from "../report/report-dir.js";

export interface BenchHttpCommandOptions {
  broker: string;
  connections?: string;
  duration?: string;
  rate?: string;
  badOrders?: string;
  timeout?: string;
  defect?: string;
  declinedOrders?: string;
  outbox?: boolean;
  relays?: string;
  db?: string;
  out: string;
  json?: boolean;
  progress?: boolean;
}

/**
 * `gauntlet bench http`: autocannon drives the sample order service's `POST /orders` while
 * Gauntlet consumes its OrderPlaced events; exit 1 when a 2xx order did not produce exactly one
 * event or a non-2xx order produced one. `--outbox`: the service writes each order and its outbox
 * row in one transaction on a private PostgreSQL and relays publish; exit 1 also when the database
 * and the broker's history disagree (src/bench/http/outbox-check.ts).
 */
export async function benchHttpCommand(o: BenchHttpCommandOptions): Promise<number> {
  const connections = positiveInt("--connections", o.connections, 10, 10_000);
  const durationMs = parseDuration("--duration", o.duration, 10_000, 100);
  const rate = o.rate === undefined ? undefined : positiveInt("--rate", o.rate, 1000, 10_000_000);
  const timeoutSeconds = positiveInt("--timeout", o.timeout, 10, 600);
  const badOrdersPercent = o.badOrders === undefined ? 0 : Number(o.badOrders);
  if (!Number.isInteger(badOrdersPercent) || badOrdersPercent < 0 || badOrdersPercent > 100) throw new UsageError(`--bad-orders: "${o.badOrders}" is not a whole percentage from 0 to 100`, "e.g. --bad-orders 5");
  const declinedOrdersPercent = o.declinedOrders === undefined ? (o.outbox ? 5 : undefined) : Number(o.declinedOrders);
  if (declinedOrdersPercent !== undefined && (!Number.isInteger(declinedOrdersPercent) || declinedOrdersPercent < 0 || declinedOrdersPercent > 100)) throw new UsageError(`--declined-orders: "${o.declinedOrders}" is not a whole percentage from 0 to 100`, "e.g. --declined-orders 5");
  if (!o.outbox && (o.relays !== undefined || o.db !== undefined)) throw new UsageError(`${o.relays !== undefined ? "--relays" : "--db"} applies to the outbox mode only`, "add --outbox (the order service then writes orders and their outbox rows to PostgreSQL)");
  const relays = o.outbox ? positiveInt("--relays", o.relays, 2, 16) : undefined;
  if (o.db !== undefined && !/^postgres(ql)?:\/\//.test(o.db)) throw new UsageError(`--db: "${redact(o.db)}" is not a postgres:// URL`, "give postgres://user@host:port/db of a throwaway database, or leave --db out to let Gauntlet start a private PostgreSQL");
  const defects = o.outbox ? OUTBOX_DEFECTS : ORDER_SERVICE_DEFECTS;
  if (o.defect !== undefined && !(o.outbox ? isOutboxDefect(o.defect) : isOrderServiceDefect(o.defect))) {
    const other = o.outbox ? isOrderServiceDefect(o.defect) : isOutboxDefect(o.defect);
    throw new UsageError(`--defect: ${other ? `"${o.defect}" is a defect of the ${o.outbox ? "direct" : "outbox"} mode` : `unknown defect "${o.defect}"`}`, `${o.outbox ? "with --outbox, " : ""}one of ${Object.keys(defects).join(", ")}${other ? (o.outbox ? " (or drop --outbox)" : " (add --outbox)") : ""}`);
  }
  await ensureOutRoot(o.out);
  const runId = `bench-http-${newRunId()}`;
  const record = await runHttpBench({
    broker: o.broker,
    connections,
    durationMs,
    ...(rate !== undefined ? { rate } : {}),
    badOrdersPercent,
    ...(declinedOrdersPercent !== undefined ? { declinedOrdersPercent } : {}),
    timeoutSeconds,
    ...(o.defect !== undefined && !o.outbox && isOrderServiceDefect(o.defect) ? { defect: o.defect } : {}),
    ...(o.outbox ? { outbox: { relays: relays!, ...(o.db !== undefined ? { dbUrl: o.db } : {}), ...(o.defect !== undefined && isOutboxDefect(o.defect) ? { defect: o.defect } : {}) } } : {}),
    onStart: (url) => {
      if (o.progress !== false) process.stderr.write(`order service${o.outbox ? " (outbox mode)" : ""} on ${url}; autocannon: ${connections} connections for ${durationMs / 1000} s …\n`);
    },
  });
  const reportDir = await makeReportDir(o.out, runId);
  const run: HttpBenchRun = { ...record, runId: reportDir.split("/").pop()!, command: rerunCommand(o), reportDir };
  await writeHttpReport(run);
  if (o.json) process.stdout.write(`${JSON.stringify(run, null, 2)}\n`);
  else process.stdout.write(`${formatHttpText({ ...run, reportDir: relative(process.cwd(), reportDir) || "." })}\n`);
  return run.exactlyOnce.ok && (run.outbox?.ok ?? true) ? EXIT.valid : EXIT.invalid;
}

function rerunCommand(o: BenchHttpCommandOptions): string {
  const args = ["npx gauntlet bench http", "--broker", shellQuote(redact(o.broker))];
  const add = (flag: string, v: string | undefined) => v !== undefined && args.push(flag, shellQuote(v));
  add("--connections", o.connections);
  add("--duration", o.duration);
  add("--rate", o.rate);
  add("--bad-orders", o.badOrders);
  add("--timeout", o.timeout);
  add("--declined-orders", o.declinedOrders);
  if (o.outbox) args.push("--outbox");
  add("--relays", o.relays);
  if (o.db !== undefined) args.push("--db", shellQuote(redact(o.db)));
  add("--defect", o.defect);
  return args.join(" ");
}
