import type { Versions } from "../../core/bench-client.js";
import type { BenchClient } from "../../core/bench-client.js";
import { UsageError } from "../../core/errors.js";

/**
 * memory:// for benchmarks: a real-time in-process queue, not the embedded MemoryBroker.
 *
 * Why: the MemoryBroker is driven by a VirtualClock (src/brokers/memory/virtual-clock.ts), whose
 * time stands still while work is runnable and jumps to the next timer when idle; its
 * `schedule()` is part of the broker's contract, so the broker cannot run on core/clock.ts's
 * real clock, and a latency measured against virtual time would be meaningless. This queue does
 * what a broker does for a send, in real time: it copies the payload (the broker's own copy),
 * stores it, acknowledges it one event-loop turn later (as a network ack would arrive) and
 * delivers it to the consumer. Its figures are therefore the ceiling of Gauntlet's own
 * generator on this host — what a real broker's numbers should be read against.
 *
 * `memory://?latency-ms=N` or `MIN-MAX` delays each ack (and delivery) by that much real time.
 */
export function openMemoryBenchClient(url: URL): BenchClient {
  for (const name of url.searchParams.keys()) {
    if (name !== "latency-ms") throw new UsageError(`--broker: memory:// option "${name}" does not apply to bench`, "bench accepts memory:// or memory://?latency-ms=1 (real milliseconds per ack)");
  }
  const latency = parseLatency(url.searchParams.get("latency-ms"));
  return new RealTimeQueue(latency);
}

function parseLatency(text: string | null): { min: number; max: number } | undefined {
  if (text === null) return undefined;
  const m = /^(\d+(?:\.\d+)?)(?:-(\d+(?:\.\d+)?))?$/.exec(text);
  const min = Number(m?.[1]);
  const max = Number(m?.[2] ?? m?.[1]);
  if (!m || max < min) throw new UsageError(`--broker: latency-ms "${text}" must be N or MIN-MAX in ms`, "e.g. memory://?latency-ms=1");
  return { min, max };
}

interface Pending {
  copies: Buffer[];
  ack: () => void;
}

class RealTimeQueue implements BenchClient {
  readonly family = "memory";
  readonly environment = "embedded (in-process, real time)";
  readonly settings: Record<string, unknown>;
  private pending: Pending[] = [];
  private flushScheduled = false;
  private onDelivery: ((payload: Buffer) => void) | undefined;
  /** Messages stored and not yet delivered (no consumer yet). */
  private readonly stored: Buffer[] = [];

  constructor(private readonly latency: { min: number; max: number } | undefined) {
    this.settings = { ack: "after one event-loop turn", ...(latency ? { latencyMs: latency } : {}) };
  }

  sendOne(payload: Buffer): Promise<void> {
    return this.accept([payload]);
  }

  sendBatch(payloads: Buffer[]): Promise<void> {
    return this.accept(payloads);
  }

  private accept(payloads: Buffer[]): Promise<void> {
    const copies = payloads.map((p) => Buffer.from(p));
    return new Promise((resolve) => {
      if (this.latency) {
        const { min, max } = this.latency;
        setTimeout(() => this.store(copies, resolve), min + Math.random() * (max - min));
        return;
      }
      this.pending.push({ copies, ack: resolve });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = [];
    for (const p of batch) this.store(p.copies, p.ack);
  }

  private store(copies: Buffer[], ack: () => void): void {
    ack();
    if (this.onDelivery) for (const c of copies) this.onDelivery(c);
    else this.stored.push(...copies);
  }

  async consume(onDelivery: (payload: Buffer) => void): Promise<void> {
    this.onDelivery = onDelivery;
    for (const c of this.stored.splice(0)) onDelivery(c);
  }

  versions(): Versions {
    return { client: "gauntlet real-time in-process queue", broker: "memory://", note: "in-process; the generator's own ceiling on this host" };
  }

  async close(): Promise<void> {
    this.onDelivery = undefined;
  }
}
