import { describe, expect, it } from "vitest";
import { parsePerfTest, parseProducerPerformance, producerPerfSteady } from "./native-parse.js";

describe("native tool output parsing", () => {
  it("reads kafka-producer-perf-test's final summary (the last 'records sent' line)", () => {
    const out = [
      "[main] INFO org.apache.kafka... noise",
      "250000 records sent, 50000.0 records/sec (4.77 MB/sec), 300.00 ms avg latency, 500.00 ms max latency.",
      "500000 records sent, 142857.1 records/sec (13.62 MB/sec), 618.63 ms avg latency, 908.00 ms max latency, 710 ms 50th, 840 ms 95th, 893 ms 99th, 907 ms 99.9th.",
    ].join("\n");
    const s = parseProducerPerformance(out)!;
    expect(s).toMatchObject({ records: 500000, msgsPerSec: 142857.1, mbPerSec: 13.62, avgLatencyMs: 618.63, maxLatencyMs: 908 });
    expect(parseProducerPerformance("no summary")).toBeUndefined();
  });

  it("reads PerfTest's per-second confirmed rates and excludes the first second", () => {
    const out = [
      "id: test-084034-583, time 1.001 s, sent: 9457 msg/s, confirmed: 9376 msg/s, nacked: 0 msg/s, min/median/75th/95th/99th confirm latency: 370/4614/6580/10060/12505 µs",
      "id: test-084034-583, time 2.001 s, sent: 13943 msg/s, confirmed: 14000 msg/s, nacked: 0 msg/s, min/median/75th/95th/99th confirm latency: 405/3827/4981/7376/9262 µs",
      "id: test-084034-583, time 3.001 s, sent: 18528 msg/s, confirmed: 18000 msg/s, nacked: 0 msg/s, min/median/75th/95th/99th confirm latency: 646/3794/4888/7818/12377 µs",
      "test stopped (Reached time limit)",
      "id: test-084034-583, sending rate avg: 13876 msg/s",
      "id: test-084034-583, receiving rate avg: 0 msg/s",
    ].join("\n");
    const s = parsePerfTest(out)!;
    expect(s.sendingAvg).toBe(13876);
    expect(s.confirmedPerSecond).toEqual([9376, 14000, 18000]);
    expect(s.msgsPerSec).toBe(16000);
    expect(s.lines[0]).toContain("sending rate avg");
    expect(parsePerfTest("nothing")).toBeUndefined();
  });
});

describe("kafka-producer-perf-test's steady rate", () => {
  const out = [
    "53295 records sent, 10568.1 records/sec (1.01 MB/sec), 493.6 ms avg latency, 2299.0 ms max latency.",
    "175498 records sent, 35099.6 records/sec (3.35 MB/sec), 891.4 ms avg latency, 1612.0 ms max latency.",
    "340097 records sent, 67951.4 records/sec (6.48 MB/sec), 1687.6 ms avg latency, 2580.0 ms max latency.",
    "568890 records sent, 51308.4 records/sec (4.89 MB/sec), 1481.07 ms avg latency, 2973.00 ms max latency, 1418 ms 50th, 2500 ms 95th, 2880 ms 99th, 2949 ms 99.9th.",
  ].join("\n");

  it("leaves the first (JVM warm-up) window out and pools the rest by time", () => {
    const s = producerPerfSteady(out)!;
    expect(s.windows).toBe(2);
    expect(s.firstWindow).toBe(10568.1);
    // (175498 + 340097) records over (175498/35099.6 + 340097/67951.4) s
    expect(s.msgsPerSec).toBeCloseTo(515595 / (175498 / 35099.6 + 340097 / 67951.4), 0);
  });

  it("falls back to the whole-run average with fewer than two windows", () => {
    expect(producerPerfSteady(out.split("\n").slice(3).join("\n"))).toEqual({ msgsPerSec: 51308.4, windows: 0 });
  });
});
