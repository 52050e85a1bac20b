import { monitorEventLoopDelay } from "node:perf_hooks";

const RESOLUTION_MS = 10;

/** Event-loop delay p99 above this marks a cell: the generator itself was saturated. */
export const EVENT_LOOP_P99_LIMIT_MS = 20;

/** The generator's own health while a cell is measured (monitorEventLoopDelay, 10 ms resolution). */
export class EventLoopMonitor {
  private readonly h: ReturnType<typeof monitorEventLoopDelay> = monitorEventLoopDelay({ resolution: RESOLUTION_MS });

  start(): void {
    this.h.reset();
    this.h.enable();
  }

  stop(): { p50Ms: number; p99Ms: number; maxMs: number } {
    this.h.disable();
    // Node records the whole timer period; the delay is what exceeds the resolution.
    const ms = (ns: number) => (Number.isFinite(ns) && this.h.count > 0 ? Math.max(0, Math.round(ns / 1_000 - RESOLUTION_MS * 1_000) / 1_000) : 0);
    return { p50Ms: ms(this.h.percentile(50)), p99Ms: ms(this.h.percentile(99)), maxMs: ms(this.h.max) };
  }
}
