import { LatencyRecorder } from "../measure/histogram.js";
import { NS_PER_S, NS_PER_US, nowNs } from "../measure/time.js";
import type { ConsumedEvent } from "./exactly-once.js";
import type { HttpTimelineRow } from "./types.js";

/** One HTTP request as the recorder saw it. */
export interface TrackedRequest {
  sentNs: number;
  status?: number;
  orderId?: string;
  recvNs?: number;
}

/** One consumed event, with the time it arrived. */
export interface ReceivedEvent extends ConsumedEvent {
  recvNs: number;
  /** Outbox mode: the relay that published it. */
  publishedBy?: string;
}

/**
 * What `bench http` records while the load runs, on one monotonic clock: every request (sent,
 * answered, its orderId), every consumed OrderPlaced event, the HTTP latency histogram and a
 * per-second timeline. Stateful and cheap per call; the summary is computed afterwards by
 * summarizeHttpBench (summary.ts).
 */
export class HttpLoadRecorder {
  readonly requests = new Map<string, TrackedRequest>();
  readonly received: ReceivedEvent[] = [];
  readonly httpLatency = new LatencyRecorder();
  readonly timeline: HttpTimelineRow[] = [];
  /** orderId → events seen for it. */
  readonly eventOrders = new Map<string, number>();
  /** orderIds of 2xx answers: each must produce an event. */
  readonly accepted = new Set<string>();
  lastEventNs = 0;
  private loadStartNs = nowNs();

  /** The load starts now: the timeline's second 0. */
  startLoad(): void {
    this.loadStartNs = nowNs();
  }

  private bucket(ns: number): HttpTimelineRow {
    const t = Math.max(0, Math.floor((ns - this.loadStartNs) / NS_PER_S));
    for (let i = this.timeline.length; i <= t; i++) this.timeline.push({ t: i, ok: 0, non2xx: 0, consumed: 0 });
    return this.timeline[t]!;
  }

  /** A consumed payload: an OrderPlaced event of ours, or something unexpected. */
  onEvent(payload: Buffer): void {
    const recvNs = nowNs();
    this.lastEventNs = recvNs;
    let e: { eventType?: unknown; correlationId?: unknown; publishedBy?: unknown; payload?: { orderId?: unknown } } = {};
    try {
      e = JSON.parse(payload.toString("utf8")) as typeof e;
    } catch {
      // not an event of ours: counted as unexpected by the exactly-once check
    }
    const orderId = e.eventType === "OrderPlaced" && typeof e.payload?.orderId === "string" ? e.payload.orderId : undefined;
    const requestId = typeof e.correlationId === "string" ? e.correlationId : undefined;
    const publishedBy = typeof e.publishedBy === "string" ? e.publishedBy : undefined;
    this.received.push({ recvNs, ...(orderId !== undefined ? { orderId } : {}), ...(requestId !== undefined ? { requestId } : {}), ...(publishedBy !== undefined ? { publishedBy } : {}) });
    if (orderId !== undefined) this.eventOrders.set(orderId, (this.eventOrders.get(orderId) ?? 0) + 1);
    this.bucket(recvNs).consumed++;
  }

  /** A request leaves now. */
  onSend(requestId: string): void {
    this.requests.set(requestId, { sentNs: nowNs() });
  }

  /** A response arrived for the request named by its echoed x-request-id. */
  onResponse(requestId: unknown, status: number, body: string): void {
    const recvNs = nowNs();
    const r = typeof requestId === "string" ? this.requests.get(requestId) : undefined;
    const ok = status >= 200 && status < 300;
    const row = this.bucket(recvNs);
    if (ok) row.ok++;
    else row.non2xx++;
    if (!r) return;
    r.status = status;
    r.recvNs = recvNs;
    this.httpLatency.record((recvNs - r.sentNs) / NS_PER_US);
    try {
      const orderId = (JSON.parse(body) as { orderId?: unknown }).orderId;
      if (typeof orderId === "string") r.orderId = orderId;
    } catch {
      // a body without JSON: no orderId (a 2xx without one counts as missing)
    }
    if (ok && r.orderId !== undefined) this.accepted.add(r.orderId);
  }

  /** Whether every 2xx order has had an event. */
  allAcceptedSeen(): boolean {
    for (const id of this.accepted) if (!this.eventOrders.has(id)) return false;
    return true;
  }
}
