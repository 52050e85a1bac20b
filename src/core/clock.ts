/** Time source for a run: the real monotonic clock, or an embedded broker's virtual clock. */
export interface Clock {
  /** Nanoseconds since the run started. */
  now(): number;
  /** Resolve after `ms` milliseconds of this clock's time; an aborted sleep never resolves and holds no timer. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock: process.hrtime.bigint() relative to creation. */
export function realClock(): Clock {
  const start = process.hrtime.bigint();
  return {
    now: () => Number(process.hrtime.bigint() - start),
    sleep: (ms, signal) =>
      new Promise((resolve) => {
        const timer = setTimeout(resolve, ms);
        signal?.addEventListener("abort", () => clearTimeout(timer), { once: true });
      }),
  };
}

export const NS_PER_MS = 1_000_000;
