/** At most `limit` holders at once (PerfTest's `-c N`): acquire() waits for a release when full. */
export class Semaphore {
  private held = 0;
  private peak = 0;
  private readonly waiters: (() => void)[] = [];
  private readonly idleWaiters: (() => void)[] = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`semaphore limit must be a positive integer, got ${limit}`);
  }

  /** Holders right now. */
  get inFlight(): number {
    return this.held;
  }

  /** The most holders seen at once. */
  get maxInFlight(): number {
    return this.peak;
  }

  acquire(): Promise<void> {
    if (this.held < this.limit) {
      this.take();
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(() => (this.take(), resolve())));
  }

  release(): void {
    if (this.held === 0) throw new Error("semaphore released more often than acquired");
    this.held--;
    this.waiters.shift()?.();
    if (this.held === 0) for (const w of this.idleWaiters.splice(0)) w();
  }

  /** Resolves once nothing is held. */
  idle(): Promise<void> {
    if (this.held === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private take(): void {
    this.held++;
    if (this.held > this.peak) this.peak = this.held;
  }
}
