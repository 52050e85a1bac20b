import { describe, expect, it } from "vitest";
import { readStamp } from "./measure/payload.js";
import { FakeClient, sleep } from "./fake-client.test-helper.js";
import { runProducerOnlyCell } from "./run.js";

const timing = { warmupMs: 20, durationMs: 150, intervalMs: 50, drainMs: 1_000 };

describe("runProducerOnlyCell (the native comparison's twin)", () => {
  it("consumes nothing while it sends, then reads every acknowledged message back", async () => {
    const client = new FakeClient(() => sleep(1));
    const cell = await runProducerOnlyCell({ broker: "fake://", spec: { id: "batched/64/10", mode: "batched", size: 64, n: 10 }, timing, openClient: async () => client });
    expect(client.consumedWhileSending).toBe(0);
    expect(cell.producerOnly).toBe(true);
    expect(cell.acked).toBeGreaterThan(0);
    expect(cell.delivered).toBe(cell.acked);
    expect(cell.e2e.count).toBe(0); // the read-back's wait is not a delivery latency
    expect(cell.flags).not.toContain("undelivered");
  });

  it("a message acknowledged and never read back flags the cell undelivered", async () => {
    let n = 0;
    const lose = (p: Buffer) => readStamp(p)?.measured === true && ++n === 5;
    const client = new FakeClient(() => sleep(1), lose);
    const cell = await runProducerOnlyCell({ broker: "fake://", spec: { id: "pipelined/64/4", mode: "pipelined", size: 64, n: 4 }, timing: { ...timing, drainMs: 50 }, openClient: async () => client });
    expect(cell.delivered).toBe(cell.acked - 1);
    expect(cell.flags).toContain("undelivered");
  });
});
