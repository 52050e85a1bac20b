import { setImmediate as nextTurn } from "node:timers/promises";

const BASE = process.hrtime.bigint();

/** Monotonic nanoseconds (process.hrtime.bigint() relative to module load; exact as a double for 104 days). */
export function nowNs(): number {
  return Number(process.hrtime.bigint() - BASE);
}

export const NS_PER_US = 1_000;
export const NS_PER_MS = 1_000_000;
export const NS_PER_S = 1_000_000_000;

/**
 * Wait until `targetNs` (nowNs() scale): a timer for all but the last millisecond, then
 * event-loop turns, so the wake-up is within tens of microseconds without blocking the loop.
 */
export async function sleepUntil(targetNs: number, now: () => number = nowNs): Promise<void> {
  let left = targetNs - now();
  if (left > 1.5 * NS_PER_MS) {
    await new Promise((resolve) => setTimeout(resolve, Math.floor(left / NS_PER_MS - 1)));
    left = targetNs - now();
  }
  while (left > 0) {
    await nextTurn();
    left = targetNs - now();
  }
}

/** Yields to the event loop at most once per `everyNs`, so a tight send loop lets acks and timers run. */
export class Yielder {
  private last = nowNs();
  constructor(private readonly everyNs = 0.5 * NS_PER_MS) {}

  async maybe(): Promise<void> {
    const t = nowNs();
    if (t - this.last < this.everyNs) return;
    await nextTurn();
    this.last = nowNs();
  }
}
