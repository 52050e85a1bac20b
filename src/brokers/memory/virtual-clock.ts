import type { Clock } from "../../core/clock.js";
import { NS_PER_MS } from "../../core/clock.js";

interface Timer {
  at: number;
  seq: number;
  fire: () => void;
}

/**
 * A virtual clock for the embedded broker. Time stands still while any work is runnable and
 * jumps to the next timer once every task is waiting: a pump on setImmediate fires one timer
 * per macrotask turn, after the microtask queue (all promise continuations) has drained. With
 * no real I/O in between, the order of events depends only on the program and its seeds, so a
 * scenario replays identically and a 30 s lock expires in microseconds of real time.
 */
export class VirtualClock implements Clock {
  private nowNs = 0;
  private seq = 0;
  private readonly heap: Timer[] = [];
  private pumping = false;

  now(): number {
    return this.nowNs;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const cancel = this.schedule(ms, resolve);
      signal?.addEventListener("abort", cancel, { once: true });
    });
  }

  /** Run `fire` after `ms` of virtual time; returns a cancel function. */
  schedule(ms: number, fire: () => void): () => void {
    const timer: Timer = { at: this.nowNs + Math.max(0, Math.round(ms * NS_PER_MS)), seq: this.seq++, fire };
    this.push(timer);
    this.startPump();
    return () => this.cancel(timer);
  }

  /** Timers still pending. */
  get pending(): number {
    return this.heap.length;
  }

  private cancel(timer: Timer): void {
    const i = this.heap.indexOf(timer);
    if (i === -1) return;
    // Re-heapify after removal; cancellations are rare next to firings.
    const last = this.heap.pop()!;
    if (i < this.heap.length) {
      this.heap[i] = last;
      const rest = this.heap.splice(0);
      for (const t of rest) this.push(t);
    }
  }

  private startPump(): void {
    if (this.pumping) return;
    this.pumping = true;
    setImmediate(this.tick);
  }

  private readonly tick = (): void => {
    const next = this.pop();
    if (!next) {
      this.pumping = false;
      return;
    }
    if (next.at > this.nowNs) this.nowNs = next.at;
    next.fire();
    setImmediate(this.tick);
  };

  private push(t: Timer): void {
    const h = this.heap;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  private pop(): Timer | undefined {
    const h = this.heap;
    if (h.length === 0) return undefined;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l]!, h[m]!)) m = l;
        if (r < h.length && before(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

function before(a: Timer, b: Timer): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
