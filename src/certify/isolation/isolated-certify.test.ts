import { describe, expect, it } from "vitest";
import { nextChunk } from "./isolated-certify.js";

const MB = 2 ** 20;

describe("nextChunk: how many cases the next handler process takes", () => {
  it("aims at about 20 s of work when memory does not grow", () => {
    expect(nextChunk(1_000, 1_000, 80 * MB)).toBe(20_000);
    expect(nextChunk(1_000, 10_000, 60 * MB)).toBe(2_000);
  });

  it("stops a leaking handler's process before it outgrows the memory budget", () => {
    // 1000 cases grew the process by 20 MB (20 KB per case): 176 MB of headroom holds 8800 cases
    expect(nextChunk(1_000, 1_000, 100 * MB)).toBe(8_800);
    expect(nextChunk(1_000, 1_000, 1_000 * MB)).toBe(191);
  });

  it("stays within 100 .. 50 000 cases", () => {
    expect(nextChunk(1_000, 1, 0)).toBe(50_000);
    expect(nextChunk(100, 600_000, 80 * MB)).toBe(100);
  });
});
