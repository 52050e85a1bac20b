import type { BenchClient } from "../core/bench-client.js";
import { type CellContext, runCell, type CellTiming } from "./run-cell.js";
import type { CellRecorder } from "./measure/recorder.js";
import { readStamp } from "./measure/payload.js";
import { nowNs } from "./measure/time.js";
import type { CellResult, CellSpec } from "./types.js";

/**
 * A scripted client: each send waits `ackAfter()` (a promise) before it is acknowledged. Like a
 * broker it keeps what was acknowledged while no consumer is attached, and a consumer that attaches
 * later reads it from the start; `lose(payload)` true drops that message after acknowledging it.
 */
export class FakeClient implements BenchClient {
  readonly family = "fake";
  readonly environment = "test";
  readonly settings = {};
  inFlight = 0;
  maxInFlight = 0;
  sends = 0;
  /** Sends made while a consumer was attached (the producer-only twin must leave this at 0 while it measures). */
  consumedWhileSending = 0;
  private onDelivery: ((p: Buffer) => void) | undefined;
  private readonly stored: Buffer[] = [];

  constructor(
    private readonly ackAfter: () => Promise<void>,
    private readonly lose: (payload: Buffer) => boolean = () => false,
  ) {}

  private async track<T>(payloads: Buffer[], done: T): Promise<T> {
    this.sends += payloads.length;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await this.ackAfter();
    } finally {
      this.inFlight--;
    }
    if (this.onDelivery) this.consumedWhileSending += payloads.length;
    for (const p of payloads) {
      if (this.lose(p)) continue;
      if (this.onDelivery) this.onDelivery(p);
      else this.stored.push(p);
    }
    return done;
  }

  sendOne(payload: Buffer): Promise<void> {
    return this.track([payload], undefined);
  }
  sendBatch(payloads: Buffer[]): Promise<void> {
    return this.track(payloads, undefined);
  }
  async consume(onDelivery: (payload: Buffer) => void): Promise<void> {
    this.onDelivery = onDelivery;
    for (const p of this.stored.splice(0)) onDelivery(p);
  }
  versions() {
    return { client: "fake" };
  }
  async close(): Promise<void> {}
}

/** Run one cell on a client with deliveries routed as the real run does. */
export async function runFakeCell(client: FakeClient, spec: Omit<CellSpec, "id">, timing: Partial<CellTiming>): Promise<CellResult> {
  const routes = new Map<number, CellRecorder>();
  await client.consume((p) => {
    const s = readStamp(p);
    if (s) routes.get(s.cell)?.onDelivered(s.stampNs, s.measured);
  });
  const ctx: CellContext = { runStartNs: nowNs(), index: 0, route: (i, rec) => (rec ? routes.set(i, rec) : routes.delete(i)) };
  return runCell(client, { id: `${spec.mode}/${spec.size}/${spec.n}`, ...spec }, { warmupMs: 0, durationMs: 200, intervalMs: 100, drainMs: 1_000, ...timing }, ctx);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
