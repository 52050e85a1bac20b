import { describe, expect, it } from "vitest";
import { UsageError } from "../core/errors.js";
import { formatProxyOverhead, openThroughProtocolProxy, proxyOverhead } from "./protocol-proxy.js";
import type { MatrixRow } from "./types.js";

const row = (cell: string, msgsPerSec: number): MatrixRow => ({ cell, mode: "pipelined", size: 100, n: 10, msgsPerSec, mbPerSec: 0, p50: 0, p99: 0, p999: 0, e2eP99: null, flags: [] });

describe("bench --protocol-proxy", () => {
  it("gives each cell's proxied ÷ direct ratio and the lowest one", () => {
    const o = proxyOverhead([row("a", 1000), row("b", 200)], [row("a", 900), row("b", 100)], "p");
    expect(o.rows.map((r) => r.ratio)).toEqual([0.9, 0.5]);
    expect(o.minRatio).toBe(0.5);
    expect(formatProxyOverhead(o)).toMatch(/lowest ratio: 0\.50/);
  });

  it("refuses a broker family without a protocol proxy (exit 3)", async () => {
    await expect(openThroughProtocolProxy("memory://")).rejects.toBeInstanceOf(UsageError);
  });
});
