import type { BenchClient } from "../../core/bench-client.js";
import { payloadTemplate } from "../measure/payload.js";
import { Semaphore } from "../measure/semaphore.js";
import { NS_PER_MS, nowNs } from "../measure/time.js";
import type { RttRow } from "./types.js";

export interface RttOptions {
  messages: number;
  inFlight: number;
  size: number;
  /** Single awaited sends; their median is the RTT. */
  probes: number;
}

export interface RttMeasurement {
  rttMs: number;
  probesMs: number[];
  rows: RttRow[];
}

type Sender = Pick<BenchClient, "sendOne" | "sendBatch">;

/**
 * Warm the path (connections, metadata, JIT), measure the single-send RTT (median of `probes`
 * awaited sends), then time N messages sent four ways: sequential (each awaited), pipelined with
 * at most K in flight, pipelined with all N in flight (when K < N), and one batch of N.
 */
export async function measureRtt(client: Sender, o: RttOptions): Promise<RttMeasurement> {
  const template = payloadTemplate(o.size);
  const payload = () => Buffer.from(template);
  for (let i = 0; i < 3; i++) await client.sendOne(payload());
  await client.sendBatch(Array.from({ length: Math.min(o.messages, 10) }, payload));

  const probesMs: number[] = [];
  for (let i = 0; i < o.probes; i++) probesMs.push(await timed(() => client.sendOne(payload())));
  const rttMs = median(probesMs);

  const n = o.messages;
  const row = (mode: RttRow["mode"], label: string, totalMs: number, expectedRtts: number, messages = n, inFlight?: number): RttRow => ({
    mode,
    label,
    messages,
    ...(inFlight !== undefined ? { inFlight } : {}),
    totalMs: round(totalMs),
    perMessageMs: round(totalMs / messages),
    rtts: round(totalMs / rttMs, 2),
    expectedRtts,
  });
  const rows: RttRow[] = [row("one-send", "one send (median of probes)", rttMs, 1, 1)];
  rows.push(row("sequential", "sequential", await timed(() => sequential(client, n, payload)), n));
  const ks = o.inFlight < n ? [o.inFlight, n] : [o.inFlight];
  for (const k of ks) rows.push(row("pipelined", `pipelined(maxInFlight=${k})`, await timed(() => pipelined(client, n, k, payload)), Math.ceil(n / k), n, k));
  rows.push(row("batched", `batched(size=${n})`, await timed(() => client.sendBatch(Array.from({ length: n }, payload))), 1));
  return { rttMs: round(rttMs), probesMs: probesMs.map((v) => round(v)), rows };
}

async function sequential(client: Sender, n: number, payload: () => Buffer): Promise<void> {
  for (let i = 0; i < n; i++) await client.sendOne(payload());
}

/** At most `k` unacknowledged sends at once (a semaphore); resolves when all N are acked. */
async function pipelined(client: Sender, n: number, k: number, payload: () => Buffer): Promise<void> {
  const sem = new Semaphore(k);
  const all: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    await sem.acquire();
    all.push(client.sendOne(payload()).finally(() => sem.release()));
  }
  await Promise.all(all);
}

async function timed(work: () => Promise<void>): Promise<number> {
  const t0 = nowNs();
  await work();
  return (nowNs() - t0) / NS_PER_MS;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function round(v: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
