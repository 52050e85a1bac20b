import { NS_PER_MS } from "../core/clock.js";
import { VirtualClock } from "../brokers/memory/virtual-clock.js";

/**
 * A clock for the embedded broker under `certify --broker memory://`: time moves only when the
 * certifier calls advance() (a lock expiring while a handler still runs), never on its own, so
 * a handler's real I/O cannot make a lock expire by accident and every replay is identical.
 */
export class ManualClock extends VirtualClock {
  private manualNs = 0;
  private order = 0;
  private due: { at: number; order: number; fire: () => void }[] = [];

  override now(): number {
    return this.manualNs;
  }

  override schedule(ms: number, fire: () => void): () => void {
    const timer = { at: this.manualNs + Math.max(0, Math.round(ms * NS_PER_MS)), order: this.order++, fire };
    this.due.push(timer);
    return () => {
      this.due = this.due.filter((t) => t !== timer);
    };
  }

  override sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const cancel = this.schedule(ms, resolve);
      signal?.addEventListener("abort", cancel, { once: true });
    });
  }

  /** Move time forward by `ms`, firing the timers that fall due, in order. */
  advance(ms: number): void {
    this.manualNs += Math.round(ms * NS_PER_MS);
    const ready = this.due.filter((t) => t.at <= this.manualNs).sort((a, b) => a.at - b.at || a.order - b.order);
    this.due = this.due.filter((t) => t.at > this.manualNs);
    for (const t of ready) t.fire();
  }
}
