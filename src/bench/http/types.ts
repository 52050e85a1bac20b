import type { BenchRunHeader, SeriesSummary, Versions } from "../types.js";
import type { ExactlyOnceResult } from "./exactly-once.js";
import type { OutboxBenchResult } from "./outbox-check.js";

/** autocannon's latency histogram as it reports it: milliseconds (integer resolution), its own percentiles. */
export interface AutocannonLatency {
  unit: "ms";
  p2_5: number;
  p50: number;
  p75: number;
  p90: number;
  p97_5: number;
  p99: number;
  p99_9: number;
  average: number;
  stddev: number;
  min: number;
  max: number;
  totalCount: number;
  /** autocannon back-fills samples with a 1 ms expected interval when --rate is set (see docs/benchmarks.md). */
  coordinatedOmissionCorrected: boolean;
  /** autocannon's own HdrHistogram (ms), compressed base64. */
  histogram: string;
  /** [percentile, ms] from autocannon's table, for plots. */
  curve: [number, number][];
}

export interface HttpTimelineRow {
  /** Seconds since the load started (bucket start). */
  t: number;
  /** Responses 2xx / other, and OrderPlaced events consumed, in this second. */
  ok: number;
  non2xx: number;
  consumed: number;
}

export type HttpFlag = "event-loop-delay" | "below-target-rate" | "errors" | "not-exactly-once" | "outbox-violation";

/** results.json of `gauntlet bench http`. */
export interface HttpBenchRun extends BenchRunHeader<"http"> {
  environment: string;
  versions: Versions & { autocannon?: string };
  /** `mode: "outbox"`: orders and their outbox rows written in one PostgreSQL transaction, relays publish (`bench http --outbox`). */
  service: { name: "fixtures/order-service"; endpoint: "POST /orders"; url: string; defect?: string; mode?: "outbox" };
  settings: {
    connections: number;
    durationMs: number;
    /** autocannon overallRate (req/s); absent = max rate (each connection sends on the previous response). */
    rate?: number;
    pipelining: 1;
    timeoutSeconds: number;
    /** Percentage of requests sent with an invalid order (expected 400, and no event). */
    badOrdersPercent: number;
    /** Percentage of valid orders from a declined customer (expected 402, and no event; in outbox mode a rolled-back transaction). */
    declinedOrdersPercent?: number;
    /** Broker client settings (acks, queue type, prefetch …). */
    client: Record<string, unknown>;
  };
  http: {
    /** Requests written (Gauntlet's count; autocannon's `requests.sent` counts differently). */
    sent: number;
    /** Responses received. */
    completed: number;
    durationSeconds: number;
    /** Completed requests per second over the load phase. */
    requestsPerSec: number;
    /** 2xx responses per second. */
    okPerSec: number;
    status: Record<string, number>;
    ok: number;
    non2xx: number;
    errors: number;
    timeouts: number;
    /** autocannon's own latency histogram (ms). */
    autocannon: AutocannonLatency;
    /** Gauntlet's: request written → response parsed, µs, every response (any status). */
    latency: SeriesSummary;
  };
  /** HTTP → consumed: consumer receive time − the time the request was written, per 2xx order (first event). */
  e2e: SeriesSummary;
  consumed: { events: number; eventsPerSec: number; drainMs: number; drained: boolean };
  exactlyOnce: ExactlyOnceResult;
  /** `--outbox`: every committed order's event published at least once, none for a rolled-back order, no duplicate publish (database + broker history). */
  outbox?: OutboxBenchResult;
  eventLoop: { p50Ms: number; p99Ms: number; maxMs: number };
  timeline: HttpTimelineRow[];
  flags: HttpFlag[];
  reportDir: string;
}
