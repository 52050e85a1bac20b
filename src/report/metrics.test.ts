import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { HistoryBuilder, sampleHistory } from "./fixture.test-helper.js";
import { bucketWidthSeconds, historyMetrics, MAX_BUCKETS } from "./metrics.js";

const MS = 1_000_000;
const S = 1_000_000_000;
/** Within HdrHistogram's 3 significant digits (0.1 %) plus the µs rounding. */
const near = (actual: number | undefined, expected: number) => expect(Math.abs((actual ?? NaN) - expected)).toBeLessThanOrEqual(expected * 0.001 + 0.001);

describe("historyMetrics latency", () => {
  it("gives the percentiles of known send latencies (1..100 ms)", () => {
    const b = new HistoryBuilder();
    let t = 0;
    for (let i = 1; i <= 100; i++) {
      b.pair(t, t + i * MS, "p1", "send", "ok", { target: "q", messages: [{ id: `m${i}` }] });
      t += i * MS + MS;
    }
    const m = historyMetrics(b.ops);
    const send = m.latency.send!;
    expect(send.count).toBe(100);
    near(send.p50, 50);
    near(send.p90, 90);
    near(send.p99, 99);
    near(send.p999, 100);
    expect(send.max).toBe(100);
    expect(send.p999).toBeLessThanOrEqual(send.max); // hdr's bucket-high value is clamped to the true max
    expect(send.mean).toBe(50.5);
    expect(Object.keys(m.latency)).toEqual(["send"]);
  });

  it("reports sub-millisecond latencies in ms with µs resolution and skips never-completed ops", () => {
    const b = new HistoryBuilder();
    b.pair(0, 250_000, "c1", "receive", "ok", { source: "q" }, { source: "q", deliveries: [] });
    b.pair(1 * MS, 1 * MS + 1_500, "c1", "settle", "fail", { outcome: "complete", id: "m1", entity: "q" });
    b.add(2 * MS, "c2", "invoke", "renew", { id: "m1", entity: "q" });
    const m = historyMetrics(b.ops);
    expect(m.latency.receive).toMatchObject({ count: 1, p50: 0.25, max: 0.25, mean: 0.25 });
    expect(m.latency.settle).toMatchObject({ count: 1, max: 0.002 }); // 1.5 µs rounds to 2 µs
    expect(m.latency.renew).toBeUndefined();
  });
});

describe("historyMetrics throughput", () => {
  it("counts ok sends (messages), deliveries and ok settles per bucket", () => {
    const b = new HistoryBuilder();
    b.pair(1.0 * S, 1.05 * S, "p1", "send", "ok", { target: "q", messages: [{ id: "a" }, { id: "b" }, { id: "c" }] });
    b.pair(1.1 * S, 1.15 * S, "p1", "send", "fail", { target: "q", messages: [{ id: "d" }] });
    b.pair(1.9 * S, 2.0 * S, "c1", "receive", "ok", { source: "q" }, { source: "q", deliveries: [{ id: "a", entity: "q" }, { id: "b", entity: "q" }] });
    b.pair(2.4 * S, 2.55 * S, "c1", "settle", "ok", { outcome: "complete", id: "a", entity: "q" });
    b.pair(2.6 * S, 2.65 * S, "c1", "settle", "info", { outcome: "complete", id: "b", entity: "q" });
    b.pair(9.0 * S, 9.9 * S, "c1", "drain", "ok", { source: "q" }, { source: "q", deliveries: [{ id: "c", entity: "q" }] });
    const m = historyMetrics(b.ops);
    expect(m.bucketSeconds).toBe(0.1);
    expect(m.throughput).toHaveLength(100);
    expect(m.throughput[10]).toEqual({ t: 1, sends: 3, deliveries: 0, settles: 0 });
    expect(m.throughput[20]).toEqual({ t: 2, sends: 0, deliveries: 2, settles: 0 });
    expect(m.throughput[25]).toMatchObject({ t: 2.5, settles: 1 });
    expect(m.throughput[99]).toMatchObject({ t: 9.9, deliveries: 1 });
    const sum = (k: "sends" | "deliveries" | "settles") => m.throughput.reduce((t, p) => t + p[k], 0);
    expect([sum("sends"), sum("deliveries"), sum("settles")]).toEqual([3, 3, 1]);
    expect(m.durationMs).toBe(8900);
    expect(m.ops).toBe(12);
  });

  it("uses fractional buckets for virtual-time runs of a few ms", () => {
    const m = historyMetrics(sampleHistory());
    expect(m.bucketSeconds).toBe(0.002);
    expect(m.throughput.length).toBeGreaterThanOrEqual(20);
    expect(m.throughput.length).toBeLessThanOrEqual(100);
    expect(m.throughput[3]!.t).toBe(0.006);
    expect(m.throughput.reduce((t, p) => t + p.sends, 0)).toBe(38); // 20 sends of 2, one of them info
    expect(m.latency.send).toMatchObject({ count: 20, p50: 2, p90: 4, p99: 4, max: 4, mean: 2.5 });
  });

  it("handles an empty history", () => {
    expect(historyMetrics([])).toMatchObject({ ops: 0, durationMs: 0, latency: {}, throughput: [], faults: [] });
  });

  test.prop([fc.integer({ min: 0, max: 10 ** 13 })])("bucket width keeps 1..100 buckets, ≥ 40 for spans ≥ 40 µs", (span) => {
    const width = bucketWidthSeconds(span);
    const buckets = Math.floor(span / Math.round(width * S)) + 1;
    expect(buckets).toBeLessThanOrEqual(MAX_BUCKETS);
    if (span >= 40_000) expect(buckets).toBeGreaterThanOrEqual(40);
  });

  test.prop([fc.array(fc.record({ at: fc.integer({ min: 0, max: 5 * S }), n: fc.integer({ min: 0, max: 5 }), ok: fc.boolean() }), { maxLength: 60 })])(
    "every ok-sent message lands in exactly one bucket",
    (sends) => {
      const b = new HistoryBuilder();
      sends.forEach((s, i) => {
        const messages = Array.from({ length: s.n }, (_, j) => ({ id: `m${i}-${j}` }));
        b.pair(s.at, s.at + 1000, `p${i}`, "send", s.ok ? "ok" : "fail", { target: "q", messages });
      });
      const m = historyMetrics(b.ops);
      const expected = sends.filter((s) => s.ok).reduce((t, s) => t + s.n, 0);
      expect(m.throughput.reduce((t, p) => t + p.sends, 0)).toBe(expected);
      if (sends.length) expect(m.throughput.length).toBeLessThanOrEqual(MAX_BUCKETS);
    },
  );
});

describe("historyMetrics faults", () => {
  it("extracts fault windows, ignores failed starts, and leaves unstopped windows open", () => {
    const b = new HistoryBuilder();
    b.pair(1 * S, 1.001 * S, "nemesis", "fault", "ok", { name: "partition", phase: "start" });
    b.pair(0.5 * S, 0.6 * S, "nemesis", "fault", "fail", { name: "kill", phase: "start" });
    b.pair(2 * S, 2.002 * S, "nemesis", "fault", "ok", { name: "partition", phase: "stop" });
    b.add(3 * S, "nemesis", "info", "fault", { name: "pause", phase: "start" });
    b.pair(4 * S, 4.5 * S, "nemesis", "fault", "ok", { name: "partition", phase: "start" });
    b.add(5 * S, "nemesis", "info", "fault", { name: "partition", phase: "stop" });
    const m = historyMetrics(b.ops);
    expect(m.faults).toEqual([
      { name: "partition", start: 1, stop: 2.002 },
      { name: "pause", start: 3 },
      { name: "partition", start: 4, stop: 5 },
    ]);
    expect(m.latency).toEqual({});
  });

  it("finds the partition window of the sample history", () => {
    expect(historyMetrics(sampleHistory()).faults).toEqual([{ name: "partition", start: 0.03, stop: 0.0601 }]);
  });
});
