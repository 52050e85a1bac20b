/**
 * `gauntlet bench http`: the sample order service (src/bench/http/order-service.ts) on a free
 * port, a consumer of its OrderPlaced events, and autocannon driving `POST /orders` — all in this
 * process, so request send times and consumer receive times share one monotonic clock. The
 * recording is HttpLoadRecorder's (recorder.ts); the figures are summarizeHttpBench's (summary.ts).
 */
import { packageVersion } from "../../environments/package-version.js";
import { openBenchClient } from "../../environments/start.js";
import { redact } from "../../environments/url.js";
import { EventLoopMonitor } from "../measure/event-loop.js";
import { NS_PER_MS, nowNs } from "../measure/time.js";
import { startPostgresNode } from "../../brokers/local/postgres-node.js";
import { isBadOrder, isDeclinedOrder, orderBody } from "./order-bodies.js";
import type { OutboxDefect } from "./order-outbox.js";
import { readOrderOutbox } from "./order-outbox.js";
import { type OrderServiceDefect, startOrderService } from "./order-service.js";
import { checkOrderOutbox } from "./outbox-check.js";
import { HttpLoadRecorder } from "./recorder.js";
import { summarizeHttpBench } from "./summary.js";
import type { HttpBenchRun } from "./types.js";

export { isBadOrder, orderBody } from "./order-bodies.js";

export interface HttpBenchOptions {
  broker: string;
  connections: number;
  durationMs: number;
  /** autocannon overallRate, req/s. */
  rate?: number;
  /** Percentage of requests carrying an invalid order (400 expected, no event). */
  badOrdersPercent: number;
  /** Percentage of valid orders from a customer whose payment is declined (402 expected, no event; in outbox mode the transaction is rolled back). */
  declinedOrdersPercent?: number;
  defect?: OrderServiceDefect;
  /**
   * Outbox mode: the service writes each order and its outbox row in one transaction on a private
   * PostgreSQL 15 (or `dbUrl`, a throwaway database) and `relays` relays publish the rows.
   */
  outbox?: { relays: number; dbUrl?: string; defect?: OutboxDefect };
  timeoutSeconds: number;
  /** How long to wait for the consumer after the load (default 10 s). */
  drainTimeoutMs?: number;
  /** Called once the service listens (for progress output). */
  onStart?: (url: string) => void;
}

/** After every 2xx order has an event, keep listening this long for duplicates. */
const QUIET_MS = 300;

export async function runHttpBench(o: HttpBenchOptions): Promise<Omit<HttpBenchRun, "runId" | "command" | "reportDir">> {
  const { default: autocannon } = await import("autocannon");
  const startedAt = new Date().toISOString();
  const client = await openBenchClient(o.broker);
  const recorded = new HttpLoadRecorder();
  let service: Awaited<ReturnType<typeof startOrderService>> | undefined;
  let node: Awaited<ReturnType<typeof startPostgresNode>> | undefined;
  const declinedPercent = o.declinedOrdersPercent ?? 0;
  try {
    await client.consume((payload) => recorded.onEvent(payload));
    if (o.outbox && !o.outbox.dbUrl) node = await startPostgresNode();
    const dbUrl = o.outbox ? (o.outbox.dbUrl ?? node!.url) : undefined;
    service = await startOrderService({
      client,
      port: 0,
      ...(o.defect ? { defect: o.defect } : {}),
      ...(o.outbox ? { outbox: { url: dbUrl!, relays: o.outbox.relays, ...(o.outbox.defect ? { defect: o.outbox.defect } : {}) } } : {}),
    });
    o.onStart?.(service.url);
    let n = 0;
    const request: import("autocannon").Request = {
      method: "POST",
      path: "/orders",
      headers: { "content-type": "application/json" },
      setupRequest: (req) => {
        const id = `r${++n}`;
        const bad = isBadOrder(n, o.badOrdersPercent);
        const body = orderBody(n, bad, !bad && isDeclinedOrder(n, declinedPercent));
        recorded.onSend(id);
        return { ...req, headers: { ...req.headers, "x-request-id": id }, body };
      },
      onResponse: (status, body, _context, headers) => recorded.onResponse(headers["x-request-id"], status, body),
    };
    const eventLoop = new EventLoopMonitor();
    eventLoop.start();
    recorded.startLoad();
    const raw = (await autocannon({
      url: service.url,
      connections: o.connections,
      pipelining: 1,
      duration: o.durationMs / 1000,
      timeout: o.timeoutSeconds,
      requests: [request],
      skipAggregateResult: true,
      ...(o.rate !== undefined ? { overallRate: o.rate } : {}),
    })) as import("autocannon").RawResult;
    const loop = eventLoop.stop();
    // Requests still in the service when autocannon stopped finish (and publish) before the check.
    await service.stop();
    const { drainMs, drained } = await drainEvents(recorded, o.drainTimeoutMs ?? 10_000);
    const agg = autocannon.aggregateResult([raw], { url: service.url, connections: o.connections });
    const autocannonVersion = packageVersion("autocannon");
    const outbox = o.outbox
      ? checkOrderOutbox(
          await readOrderOutbox(dbUrl!),
          [...recorded.requests].map(([requestId, q]) => ({ requestId, ...(q.status !== undefined ? { status: q.status } : {}), ...(q.orderId !== undefined ? { orderId: q.orderId } : {}) })),
          recorded.received,
          { database: node ? `private PostgreSQL 15 (port ${node.port})` : redact(dbUrl!), relays: o.outbox.relays, failedRelayPasses: service.failedRelayPasses() },
        )
      : undefined;
    const summary = summarizeHttpBench({
      recorded,
      autocannon: { durationSeconds: raw.duration, errors: raw.errors, timeouts: raw.timeouts, latency: agg.latency, histogram: raw.latencies },
      eventLoop: loop,
      drainMs,
      drained,
      startedAt,
      broker: redact(o.broker),
      client: { family: client.family, environment: client.environment, settings: client.settings, versions: { ...client.versions(), ...(autocannonVersion ? { autocannon: autocannonVersion } : {}) } },
      serviceUrl: service.url,
      settings: {
        connections: o.connections,
        durationMs: o.durationMs,
        ...(o.rate !== undefined ? { rate: o.rate } : {}),
        timeoutSeconds: o.timeoutSeconds,
        badOrdersPercent: o.badOrdersPercent,
        ...(o.declinedOrdersPercent !== undefined ? { declinedOrdersPercent: o.declinedOrdersPercent } : {}),
        ...(o.defect ? { defect: o.defect } : {}),
        ...(o.outbox?.defect ? { defect: o.outbox.defect } : {}),
      },
      ...(outbox ? { outbox } : {}),
    });
    return summary;
  } finally {
    await service?.stop().catch(() => {});
    await client.close().catch(() => {});
    await node?.stop();
  }
}

/** Wait until every 2xx order has its event and the consumer has been quiet QUIET_MS, or the timeout. */
async function drainEvents(recorded: HttpLoadRecorder, timeoutMs: number): Promise<{ drainMs: number; drained: boolean }> {
  const drainStart = nowNs();
  const deadline = drainStart + timeoutMs * NS_PER_MS;
  let drained = false;
  for (;;) {
    const now = nowNs();
    if (recorded.allAcceptedSeen() && now - Math.max(recorded.lastEventNs, drainStart) >= QUIET_MS * NS_PER_MS) {
      drained = true;
      break;
    }
    if (now >= deadline) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  return { drainMs: Math.round((nowNs() - drainStart) / NS_PER_MS), drained };
}
