import { describe, expect, it } from "vitest";
import { HttpLoadRecorder } from "./recorder.js";
import { type AggregateLatency, type HttpBenchInput, summarizeHttpBench } from "./summary.js";

const latency: AggregateLatency = { p2_5: 1, p50: 2, p75: 3, p90: 4, p97_5: 5, p99: 6, p99_9: 7, p99_99: 8, p99_999: 9, average: 2, stddev: 1, min: 1, max: 9, totalCount: 3 };
const event = (orderId: string, requestId: string) => Buffer.from(JSON.stringify({ eventType: "OrderPlaced", correlationId: requestId, payload: { orderId } }));

function input(recorded: HttpLoadRecorder, over: Partial<HttpBenchInput["settings"]> = {}): HttpBenchInput {
  return {
    recorded,
    autocannon: { durationSeconds: 2, errors: 0, timeouts: 0, latency, histogram: {} },
    eventLoop: { p50Ms: 1, p99Ms: 2, maxMs: 3 },
    drainMs: 10,
    drained: true,
    startedAt: "2026-12-04T00:00:00.000Z",
    broker: "memory://",
    client: { family: "memory", environment: "embedded", settings: {}, versions: { client: "test" } },
    serviceUrl: "http://127.0.0.1:1",
    settings: { connections: 1, durationMs: 2000, timeoutSeconds: 10, badOrdersPercent: 0, ...over },
  };
}

describe("summarizeHttpBench", () => {
  it("counts statuses and finds exactly one event per 2xx order", () => {
    const r = new HttpLoadRecorder();
    r.onSend("r1");
    r.onSend("r2");
    r.onSend("r3");
    r.onResponse("r1", 201, JSON.stringify({ orderId: "o1" }));
    r.onResponse("r2", 201, JSON.stringify({ orderId: "o2" }));
    r.onResponse("r3", 400, JSON.stringify({ error: "bad" }));
    r.onEvent(event("o1", "r1"));
    r.onEvent(event("o2", "r2"));
    const s = summarizeHttpBench(input(r));
    expect(s.http).toMatchObject({ sent: 3, completed: 3, ok: 2, non2xx: 1, status: { 201: 2, 400: 1 }, requestsPerSec: 1.5 });
    expect(s.exactlyOnce.ok).toBe(true);
    expect(s.flags).toEqual([]);
    expect(s.e2e.count).toBe(2);
  });

  it("flags a duplicated event, a missing one, and a rate below target", () => {
    const r = new HttpLoadRecorder();
    for (const id of ["r1", "r2"]) r.onSend(id);
    r.onResponse("r1", 201, JSON.stringify({ orderId: "o1" }));
    r.onResponse("r2", 201, JSON.stringify({ orderId: "o2" }));
    r.onEvent(event("o1", "r1"));
    r.onEvent(event("o1", "r1"));
    expect(r.allAcceptedSeen()).toBe(false);
    const s = summarizeHttpBench(input(r, { rate: 100 }));
    expect(s.exactlyOnce.ok).toBe(false);
    expect(s.flags).toEqual(expect.arrayContaining(["not-exactly-once", "below-target-rate"]));
  });
});
