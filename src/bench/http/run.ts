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
import { isBadOrder, orderBody } from "./order-bodies.js";
import { type OrderServiceDefect, startOrderService } from "./order-service.js";
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
  defect?: OrderServiceDefect;
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
  try {
    await client.consume((payload) => recorded.onEvent(payload));
    service = await startOrderService({ client, port: 0, ...(o.defect ? { defect: o.defect } : {}) });
    o.onStart?.(service.url);
    let n = 0;
    const request: import("autocannon").Request = {
      method: "POST",
      path: "/orders",
      headers: { "content-type": "application/json" },
      setupRequest: (req) => {
        const id = `r${++n}`;
        const body = orderBody(n, isBadOrder(n, o.badOrdersPercent));
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
    return summarizeHttpBench({
      recorded,
      autocannon: { durationSeconds: raw.duration, errors: raw.errors, timeouts: raw.timeouts, latency: agg.latency, histogram: raw.latencies },
      eventLoop: loop,
      drainMs,
      drained,
      startedAt,
      broker: redact(o.broker),
      client: { family: client.family, environment: client.environment, settings: client.settings, versions: { ...client.versions(), ...(autocannonVersion ? { autocannon: autocannonVersion } : {}) } },
      serviceUrl: service.url,
      settings: { connections: o.connections, durationMs: o.durationMs, ...(o.rate !== undefined ? { rate: o.rate } : {}), timeoutSeconds: o.timeoutSeconds, badOrdersPercent: o.badOrdersPercent, ...(o.defect ? { defect: o.defect } : {}) },
    });
  } finally {
    await service?.stop().catch(() => {});
    await client.close().catch(() => {});
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
