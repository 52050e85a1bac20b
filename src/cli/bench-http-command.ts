import { join, relative, resolve } from "node:path";
import { ORDER_SERVICE_DEFECTS, isOrderServiceDefect } from "../bench/http/order-service.js";
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
  out: string;
  json?: boolean;
  progress?: boolean;
}

/**
 * `gauntlet bench http`: autocannon drives the sample order service's `POST /orders` while
 * Gauntlet consumes its OrderPlaced events; exit 1 when a 2xx order did not produce exactly one
 * event or a non-2xx order produced one.
 */
export async function benchHttpCommand(o: BenchHttpCommandOptions): Promise<number> {
  const connections = positiveInt("--connections", o.connections, 10, 10_000);
  const durationMs = parseDuration("--duration", o.duration, 10_000, 100);
  const rate = o.rate === undefined ? undefined : positiveInt("--rate", o.rate, 1000, 10_000_000);
  const timeoutSeconds = positiveInt("--timeout", o.timeout, 10, 600);
  const badOrdersPercent = o.badOrders === undefined ? 0 : Number(o.badOrders);
  if (!Number.isInteger(badOrdersPercent) || badOrdersPercent < 0 || badOrdersPercent > 100) throw new UsageError(`--bad-orders: "${o.badOrders}" is not a whole percentage from 0 to 100`, "e.g. --bad-orders 5");
  if (o.defect !== undefined && !isOrderServiceDefect(o.defect)) {
    throw new UsageError(`--defect: unknown defect "${o.defect}"`, `one of ${Object.keys(ORDER_SERVICE_DEFECTS).join(", ")}`);
  }
  await ensureOutRoot(o.out);
  const runId = `bench-http-${newRunId()}`;
  const record = await runHttpBench({
    broker: o.broker,
    connections,
    durationMs,
    ...(rate !== undefined ? { rate } : {}),
    badOrdersPercent,
    timeoutSeconds,
    ...(o.defect !== undefined ? { defect: o.defect } : {}),
    onStart: (url) => {
      if (o.progress !== false) process.stderr.write(`order service on ${url}; autocannon: ${connections} connections for ${durationMs / 1000} s …\n`);
    },
  });
  const reportDir = await makeReportDir(o.out, runId);
  const run: HttpBenchRun = { ...record, runId: reportDir.split("/").pop()!, command: rerunCommand(o), reportDir };
  await writeHttpReport(run);
  if (o.json) process.stdout.write(`${JSON.stringify(run, null, 2)}\n`);
  else process.stdout.write(`${formatHttpText({ ...run, reportDir: relative(process.cwd(), reportDir) || "." })}\n`);
  return run.exactlyOnce.ok ? EXIT.valid : EXIT.invalid;
}

function rerunCommand(o: BenchHttpCommandOptions): string {
  const args = ["npx gauntlet bench http", "--broker", shellQuote(redact(o.broker))];
  const add = (flag: string, v: string | undefined) => v !== undefined && args.push(flag, shellQuote(v));
  add("--connections", o.connections);
  add("--duration", o.duration);
  add("--rate", o.rate);
  add("--bad-orders", o.badOrders);
  add("--timeout", o.timeout);
  add("--defect", o.defect);
  return args.join(" ");
}
