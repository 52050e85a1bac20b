import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { FakeClient, runFakeCell, sleep } from "./fake-client.test-helper.js";

describe("runCell at a fixed rate (open loop)", () => {
  it("measures from the intended send time: a slow sender's publish delay grows and is flagged", async () => {
    // 1000 msgs/s wanted, but every send takes ≥ 5 ms and sequential sends wait for each other.
    const client = new FakeClient(() => sleep(5));
    const cell = await runFakeCell(client, { mode: "sequential", size: 100, n: 1 }, { rate: 1000, durationMs: 300 });
    expect(cell.delay).toBeDefined();
    const delay = cell.delay!;
    // The last send of the window is intended ≈ 60 ms after start but starts ≈ 300 ms after: it is far behind.
    expect(delay.max).toBeGreaterThan(100_000);
    expect(delay.p99).toBeGreaterThan(delay.p50);
    // Latency counts from the intended time, so it includes the delay (never less than it).
    expect(cell.publish.max).toBeGreaterThanOrEqual(delay.max);
    expect(cell.publish.p50).toBeGreaterThanOrEqual(delay.p50);
    expect(cell.flags).toEqual(expect.arrayContaining(["behind-schedule", "below-target-rate", "dropped"]));
    expect(cell.dropped).toBeGreaterThan(0);
    expect(cell.acked).toBe(cell.sent);
  });

  it("warm-up messages are excluded from every figure", async () => {
    const client = new FakeClient(() => sleep(1));
    const cell = await runFakeCell(client, { mode: "sequential", size: 64, n: 1 }, { warmupMs: 100, durationMs: 100 });
    expect(client.sends).toBeGreaterThan(cell.sent);
    expect(cell.publish.count).toBe(cell.acked);
    expect(cell.delivered).toBe(cell.acked);
    expect(cell.delay).toBeUndefined(); // max rate: no intended times, no delay series
  });

  it("batched mode sends N messages per SDK call and acknowledges each", async () => {
    const client = new FakeClient(() => sleep(1));
    const cell = await runFakeCell(client, { mode: "batched", size: 32, n: 25 }, { messages: 500 });
    expect(cell.sent).toBe(500);
    expect(cell.acked).toBe(500);
    expect(cell.publish.count).toBe(500);
    expect(client.maxInFlight).toBe(1);
  });

  it("fire-and-forget is flagged as the anti-pattern", async () => {
    const cell = await runFakeCell(new FakeClient(() => sleep(0)), { mode: "fire-and-forget", size: 32, n: 0 }, { messages: 300 });
    expect(cell.antiPattern).toBe(true);
    expect(cell.flags).toContain("anti-pattern");
  });

  it("a failing send is counted, not hidden", async () => {
    let i = 0;
    const cell = await runFakeCell(new FakeClient(async () => (++i % 10 === 0 ? Promise.reject(new Error("nacked")) : undefined)), { mode: "pipelined", size: 32, n: 4 }, { messages: 100 });
    expect(cell.errors).toBe(10);
    expect(cell.acked).toBe(90);
    expect(cell.firstError).toBe("nacked");
    expect(cell.flags).toContain("errors");
  });
});

describe("pipelined mode", () => {
  test.prop([fc.integer({ min: 1, max: 12 }), fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 20 })], { numRuns: 25 })(
    "never has more than N sends in flight, and every send is acknowledged",
    async (limit, delays) => {
      let k = 0;
      // Acks after a scripted number of event-loop turns, so sends overlap and finish out of order.
      const client = new FakeClient(async () => {
        for (let t = delays[k++ % delays.length]!; t > 0; t--) await new Promise((r) => setImmediate(r));
      });
      const messages = 5 * limit + 3;
      const cell = await runFakeCell(client, { mode: "pipelined", size: 32, n: limit }, { messages });
      expect(client.maxInFlight).toBeLessThanOrEqual(limit);
      expect(cell.sent).toBe(messages);
      expect(cell.acked).toBe(messages);
    },
  );
});
