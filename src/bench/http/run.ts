/**
 * `gauntlet bench http`: the sample order service (fixtures/order-service) on a free port, a
 * consumer of its OrderPlaced events, and autocannon driving `POST /orders` — all in this
 * process, so request send times and consumer receive times share one monotonic clock.
 */
import { redact } from "../../environments/url.js";
import { type OrderServiceDefect, startOrderService } from "./order-service.js";
import { openBenchClient } from "../../environments/start.js";
import { packageVersion } from "../../environments/package-version.js";
import { hostInfo } from "../host.js";
import { EVENT_LOOP_P99_LIMIT_MS, EventLoopMonitor } from "../measure/event-loop.js";
import { LatencyRecorder } from "../measure/histogram.js";
import { NS_PER_MS, NS_PER_S, NS_PER_US, nowNs } from "../measure/time.js";
import { type ConsumedEvent, checkExactlyOnce } from "./exactly-once.js";
import type { AutocannonLatency, HttpBenchRun, HttpFlag, HttpTimelineRow } from "./types.js";

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

interface Tracked {
  sentNs: number;
  status?: number;
  orderId?: string;
  recvNs?: number;
}

interface Received extends ConsumedEvent {
  recvNs: number;
}

/** A distinct order per request; every `badOrdersPercent`-th one is invalid (three kinds in turn). */
export function orderBody(n: number, bad: boolean): string {
  if (bad) {
    const kind = n % 3;
    if (kind === 0) return "{\"customerId\": \"cust-1\", \"items\": [";
    if (kind === 1) return JSON.stringify({ customerId: `cust-${n % 997}`, items: [] });
    return JSON.stringify({ customerId: `cust-${n % 997}`, items: [{ sku: "sku-1", qty: 0, price: 1 }] });
  }
  const items = Array.from({ length: 1 + (n % 3) }, (_, i) => ({ sku: `sku-${(n * 7 + i) % 500}`, qty: 1 + ((n + i) % 4), price: ((n * 13 + i * 701) % 10_000) / 100 }));
  return JSON.stringify({ customerId: `cust-${n % 997}`, items });
}

/** Whether request n (1-based) is one of the bad ones: spread evenly, `percent` of every 100. */
export function isBadOrder(n: number, percent: number): boolean {
  return percent > 0 && Math.floor((n * percent) / 100) !== Math.floor(((n - 1) * percent) / 100);
}

export async function runHttpBench(o: HttpBenchOptions): Promise<Omit<HttpBenchRun, "runId" | "command" | "reportDir">> {
  const { default: autocannon } = await import("autocannon");
  const startedAt = new Date().toISOString();
  const client = await openBenchClient(o.broker);
  const requests = new Map<string, Tracked>();
  const received: Received[] = [];
  const httpLatency = new LatencyRecorder();
  const timeline: HttpTimelineRow[] = [];
  let loadStartNs = nowNs(); // reset when the load starts
  const bucket = (ns: number): HttpTimelineRow => {
    const t = Math.max(0, Math.floor((ns - loadStartNs) / NS_PER_S));
    for (let i = timeline.length; i <= t; i++) timeline.push({ t: i, ok: 0, non2xx: 0, consumed: 0 });
    return timeline[t]!;
  };
  const eventOrders = new Map<string, number>();
  let lastEventNs = 0;
  let service: Awaited<ReturnType<typeof startOrderService>> | undefined;
  let raw: import("autocannon").RawResult;
  const eventLoop = new EventLoopMonitor();
  let drainMs = 0;
  let drained = false;
  const accepted = new Set<string>();
  try {
    await client.consume((payload) => {
      const recvNs = nowNs();
      lastEventNs = recvNs;
      let e: { eventType?: unknown; correlationId?: unknown; payload?: { orderId?: unknown } } = {};
      try {
        e = JSON.parse(payload.toString("utf8")) as typeof e;
      } catch {
        // not an event of ours: counted as unexpected below
      }
      const orderId = e.eventType === "OrderPlaced" && typeof e.payload?.orderId === "string" ? e.payload.orderId : undefined;
      const requestId = typeof e.correlationId === "string" ? e.correlationId : undefined;
      received.push({ recvNs, ...(orderId !== undefined ? { orderId } : {}), ...(requestId !== undefined ? { requestId } : {}) });
      if (orderId !== undefined) eventOrders.set(orderId, (eventOrders.get(orderId) ?? 0) + 1);
      bucket(recvNs).consumed++;
    });
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
        requests.set(id, { sentNs: nowNs() });
        return { ...req, headers: { ...req.headers, "x-request-id": id }, body };
      },
      onResponse: (status, body, _context, headers) => {
        const recvNs = nowNs();
        const id = headers["x-request-id"];
        const r = typeof id === "string" ? requests.get(id) : undefined;
        const ok = status >= 200 && status < 300;
        const row = bucket(recvNs);
        if (ok) row.ok++;
        else row.non2xx++;
        if (!r) return;
        r.status = status;
        r.recvNs = recvNs;
        httpLatency.record((recvNs - r.sentNs) / NS_PER_US);
        try {
          const orderId = (JSON.parse(body) as { orderId?: unknown }).orderId;
          if (typeof orderId === "string") r.orderId = orderId;
        } catch {
          // a body without JSON: no orderId (a 2xx without one counts as missing)
        }
        if (ok && r.orderId !== undefined) accepted.add(r.orderId);
      },
    };
    const options: import("autocannon").Options = {
      url: service.url,
      connections: o.connections,
      pipelining: 1,
      duration: o.durationMs / 1000,
      timeout: o.timeoutSeconds,
      requests: [request],
      skipAggregateResult: true,
      ...(o.rate !== undefined ? { overallRate: o.rate } : {}),
    };
    eventLoop.start();
    loadStartNs = nowNs();
    raw = (await autocannon(options)) as import("autocannon").RawResult;
    const loop = eventLoop.stop();
    // Requests still in the service when autocannon stopped finish (and publish) before the check.
    await service.stop();

    const drainStart = nowNs();
    const deadline = drainStart + (o.drainTimeoutMs ?? 10_000) * NS_PER_MS;
    for (;;) {
      const now = nowNs();
      let allSeen = true;
      for (const id of accepted) {
        if (!eventOrders.has(id)) {
          allSeen = false;
          break;
        }
      }
      if (allSeen && now - Math.max(lastEventNs, drainStart) >= QUIET_MS * NS_PER_MS) {
        drained = true;
        break;
      }
      if (now >= deadline) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    drainMs = Math.round((nowNs() - drainStart) / NS_PER_MS);
    return finish(loop);
  } finally {
    await service?.stop().catch(() => {});
    await client.close().catch(() => {});
  }

  function finish(loop: { p50Ms: number; p99Ms: number; maxMs: number }): Omit<HttpBenchRun, "runId" | "command" | "reportDir"> {
    const agg = autocannon.aggregateResult([raw], { url: service!.url, connections: o.connections });
    const exactlyOnce = checkExactlyOnce(
      [...requests].map(([requestId, r]) => ({ requestId, ...(r.status !== undefined ? { status: r.status } : {}), ...(r.orderId !== undefined ? { orderId: r.orderId } : {}) })),
      received,
    );
    // HTTP → consumed, per 2xx order: its first event's receive time − its request's send time.
    const sentByOrder = new Map<string, number>();
    for (const r of requests.values()) if (r.status !== undefined && r.status >= 200 && r.status < 300 && r.orderId !== undefined) sentByOrder.set(r.orderId, r.sentNs);
    const e2e = new LatencyRecorder();
    for (const ev of received) {
      const sent = ev.orderId === undefined ? undefined : sentByOrder.get(ev.orderId);
      if (sent === undefined) continue;
      e2e.record((ev.recvNs - sent) / NS_PER_US);
      sentByOrder.delete(ev.orderId!);
    }
    const status: Record<string, number> = {};
    let ok = 0;
    let completed = 0;
    for (const r of requests.values()) {
      if (r.status === undefined) continue;
      completed++;
      status[r.status] = (status[r.status] ?? 0) + 1;
      if (r.status >= 200 && r.status < 300) ok++;
    }
    const seconds = raw.duration > 0 ? raw.duration : o.durationMs / 1000;
    const flags: HttpFlag[] = [];
    if (loop.p99Ms > EVENT_LOOP_P99_LIMIT_MS) flags.push("event-loop-delay");
    if (o.rate !== undefined && completed / seconds < 0.95 * o.rate) flags.push("below-target-rate");
    if (raw.errors > 0 || raw.timeouts > 0) flags.push("errors");
    if (!exactlyOnce.ok) flags.push("not-exactly-once");
    const l = agg.latency;
    const autocannonLatency: AutocannonLatency = {
      unit: "ms",
      p2_5: l.p2_5,
      p50: l.p50,
      p75: l.p75,
      p90: l.p90,
      p97_5: l.p97_5,
      p99: l.p99,
      p99_9: l.p99_9,
      average: l.average,
      stddev: l.stddev,
      min: l.min,
      max: l.max,
      totalCount: l.totalCount ?? 0,
      coordinatedOmissionCorrected: o.rate !== undefined,
      histogram: raw.latencies,
      curve: [
        [0, l.min],
        [50, l.p50],
        [75, l.p75],
        [90, l.p90],
        [97.5, l.p97_5],
        [99, l.p99],
        [99.9, l.p99_9],
        [99.99, l.p99_99],
        [99.999, l.p99_999],
        [100, l.max],
      ],
    };
    const version = client.versions();
    const autocannonVersion = packageVersion("autocannon");
    return {
      gauntlet: "bench",
      version: 1,
      kind: "http",
      startedAt,
      finishedAt: new Date().toISOString(),
      broker: redact(o.broker),
      family: client.family,
      environment: client.environment,
      versions: { ...version, ...(autocannonVersion ? { autocannon: autocannonVersion } : {}) },
      host: hostInfo(),
      service: { name: "fixtures/order-service", endpoint: "POST /orders", url: service!.url, ...(o.defect ? { defect: o.defect } : {}) },
      settings: {
        connections: o.connections,
        durationMs: o.durationMs,
        ...(o.rate !== undefined ? { rate: o.rate } : {}),
        pipelining: 1,
        timeoutSeconds: o.timeoutSeconds,
        badOrdersPercent: o.badOrdersPercent,
        client: client.settings,
      },
      http: {
        sent: requests.size,
        completed,
        durationSeconds: seconds,
        requestsPerSec: completed / seconds,
        okPerSec: ok / seconds,
        status,
        ok,
        non2xx: completed - ok,
        errors: raw.errors,
        timeouts: raw.timeouts,
        autocannon: autocannonLatency,
        latency: httpLatency.summary(),
      },
      e2e: e2e.summary(),
      consumed: { events: received.length, eventsPerSec: received.length / seconds, drainMs, drained },
      exactlyOnce,
      eventLoop: loop,
      timeline,
      flags,
    };
  }
}
