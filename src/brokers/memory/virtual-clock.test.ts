import { describe, expect, it } from "vitest";
import { VirtualClock } from "./virtual-clock.js";

describe("VirtualClock", () => {
  it("jumps to the next timer and fires timers in time order, ties in scheduling order", async () => {
    const clock = new VirtualClock();
    const fired: string[] = [];
    const started = Date.now();
    await Promise.all([
      clock.sleep(30_000).then(() => fired.push(`b@${clock.now()}`)),
      clock.sleep(10).then(() => fired.push(`a@${clock.now()}`)),
      clock.sleep(30_000).then(() => fired.push(`c@${clock.now()}`)),
    ]);
    expect(fired).toEqual(["a@10000000", "b@30000000000", "c@30000000000"]);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("an aborted sleep holds no timer and never resolves", async () => {
    const clock = new VirtualClock();
    const abort = new AbortController();
    let resolved = false;
    void clock.sleep(1_000, abort.signal).then(() => (resolved = true));
    abort.abort();
    expect(clock.pending).toBe(0);
    await clock.sleep(2_000);
    expect(resolved).toBe(false);
    expect(clock.now()).toBe(2_000_000_000);
  });
});
