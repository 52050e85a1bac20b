import { describe, expect, it } from "vitest";
import { windowProps } from "./native.js";

describe("kafka-producer-perf-test's window for a batched(N) twin", () => {
  it("one request in flight, a batch of N ÷ partitions records, and a record buffer of one batch per partition", () => {
    const p = windowProps({ records: 100 }, 100, 3);
    expect(p["max.in.flight.requests.per.connection"]).toBe("1");
    // 34 records of 100 B + 12 B each, plus the 61 B batch header.
    expect(p["batch.size"]).toBe(String(34 * 112 + 61));
    // The default 32 MiB buffer would queue hundreds of thousands of records behind the request in flight.
    expect(Number(p["buffer.memory"])).toBe(3 * Number(p["batch.size"]));
    expect(Number(p["buffer.memory"])).toBeLessThan(2 * 100 * 112 + 3 * 61);
  });
});
