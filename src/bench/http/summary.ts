import type { Versions } from "../../core/bench-client.js";
import { hostInfo } from "../host.js";
import { EVENT_LOOP_P99_LIMIT_MS } from "../measure/event-loop.js";
import { LatencyRecorder } from "../measure/histogram.js";
import { NS_PER_US } from "../measure/time.js";
import { checkExactlyOnce } from "./exactly-once.js";
import type { OutboxBenchResult } from "./outbox-check.js";
import type { HttpLoadRecorder } from "./recorder.js";
import type { AutocannonLatency, HttpBenchRun, HttpFlag } from "./types.js";

/** autocannon's aggregate latency (ms), as `aggregateResult` returns it. */
export interface AggregateLatency {
  p2_5: number;
  p50: number;
  p75: number;
  p90: number;
  p97_5: number;
  p99: number;
  p99_9: number;
  p99_99: number;
  p99_999: number;
  average: number;
  stddev: number;
  min: number;
  max: number;
  totalCount?: number;
}

/** Everything the summary is computed from: the recording, autocannon's figures, and the run's settings. */
export interface HttpBenchInput {
  recorded: HttpLoadRecorder;
  autocannon: { durationSeconds: number; errors: number; timeouts: number; latency: AggregateLatency; histogram: unknown };
  eventLoop: { p50Ms: number; p99Ms: number; maxMs: number };
  drainMs: number;
  drained: boolean;
  startedAt: string;
  broker: string;
  client: { family: string; environment: string; settings: Record<string, unknown>; versions: Versions & Record<string, string | undefined> };
  serviceUrl: string;
  settings: { connections: number; durationMs: number; rate?: number; timeoutSeconds: number; badOrdersPercent: number; declinedOrdersPercent?: number; defect?: string };
  /** Outbox mode: the check from the database and the broker's history. */
  outbox?: OutboxBenchResult;
}

/**
 * The bench http result (results.json) from what was recorded: status counts, HTTP and HTTP →
 * consumed latencies, the exactly-once check and the flags. Pure: no clock, no I/O but hostInfo().
 */
export function summarizeHttpBench(i: HttpBenchInput): Omit<HttpBenchRun, "runId" | "command" | "reportDir"> {
  const { recorded: r, settings: o } = i;
  const exactlyOnce = checkExactlyOnce(
    [...r.requests].map(([requestId, q]) => ({ requestId, ...(q.status !== undefined ? { status: q.status } : {}), ...(q.orderId !== undefined ? { orderId: q.orderId } : {}) })),
    r.received,
  );
  // HTTP → consumed, per 2xx order: its first event's receive time − its request's send time.
  const sentByOrder = new Map<string, number>();
  for (const q of r.requests.values()) if (q.status !== undefined && q.status >= 200 && q.status < 300 && q.orderId !== undefined) sentByOrder.set(q.orderId, q.sentNs);
  const e2e = new LatencyRecorder();
  for (const ev of r.received) {
    const sent = ev.orderId === undefined ? undefined : sentByOrder.get(ev.orderId);
    if (sent === undefined) continue;
    e2e.record((ev.recvNs - sent) / NS_PER_US);
    sentByOrder.delete(ev.orderId!);
  }
  const status: Record<string, number> = {};
  let ok = 0;
  let completed = 0;
  for (const q of r.requests.values()) {
    if (q.status === undefined) continue;
    completed++;
    status[q.status] = (status[q.status] ?? 0) + 1;
    if (q.status >= 200 && q.status < 300) ok++;
  }
  const seconds = i.autocannon.durationSeconds > 0 ? i.autocannon.durationSeconds : o.durationMs / 1000;
  const flags: HttpFlag[] = [];
  if (i.eventLoop.p99Ms > EVENT_LOOP_P99_LIMIT_MS) flags.push("event-loop-delay");
  if (o.rate !== undefined && completed / seconds < 0.95 * o.rate) flags.push("below-target-rate");
  if (i.autocannon.errors > 0 || i.autocannon.timeouts > 0) flags.push("errors");
  if (!exactlyOnce.ok) flags.push("not-exactly-once");
  if (i.outbox && !i.outbox.ok) flags.push("outbox-violation");
  return {
    gauntlet: "bench",
    version: 1,
    kind: "http",
    startedAt: i.startedAt,
    finishedAt: new Date().toISOString(),
    broker: i.broker,
    family: i.client.family,
    environment: i.client.environment,
    versions: i.client.versions,
    host: hostInfo(),
    service: { name: "fixtures/order-service", endpoint: "POST /orders", url: i.serviceUrl, ...(o.defect ? { defect: o.defect } : {}), ...(i.outbox ? { mode: "outbox" as const } : {}) },
    settings: {
      connections: o.connections,
      durationMs: o.durationMs,
      ...(o.rate !== undefined ? { rate: o.rate } : {}),
      pipelining: 1,
      timeoutSeconds: o.timeoutSeconds,
      badOrdersPercent: o.badOrdersPercent,
      ...(o.declinedOrdersPercent !== undefined ? { declinedOrdersPercent: o.declinedOrdersPercent } : {}),
      client: i.client.settings,
    },
    http: {
      sent: r.requests.size,
      completed,
      durationSeconds: seconds,
      requestsPerSec: completed / seconds,
      okPerSec: ok / seconds,
      status,
      ok,
      non2xx: completed - ok,
      errors: i.autocannon.errors,
      timeouts: i.autocannon.timeouts,
      autocannon: autocannonLatency(i.autocannon.latency, i.autocannon.histogram, o.rate !== undefined),
      latency: r.httpLatency.summary(),
    },
    e2e: e2e.summary(),
    consumed: { events: r.received.length, eventsPerSec: r.received.length / seconds, drainMs: i.drainMs, drained: i.drained },
    exactlyOnce,
    ...(i.outbox ? { outbox: i.outbox } : {}),
    eventLoop: i.eventLoop,
    timeline: r.timeline,
    flags,
  };
}

function autocannonLatency(l: AggregateLatency, histogram: unknown, corrected: boolean): AutocannonLatency {
  return {
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
    coordinatedOmissionCorrected: corrected,
    histogram: histogram as AutocannonLatency["histogram"],
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
}
