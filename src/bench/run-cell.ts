import type { BenchClient } from "../core/bench-client.js";
import { EVENT_LOOP_P99_LIMIT_MS, EventLoopMonitor } from "./measure/event-loop.js";
import { payloadTemplate, stampPayload } from "./measure/payload.js";
import { CellRecorder } from "./measure/recorder.js";
import { NS_PER_MS, NS_PER_S, NS_PER_US, Yielder, nowNs, sleepUntil } from "./measure/time.js";
import { createSender } from "./modes.js";
import type { CellFlag, CellResult, CellSpec } from "./types.js";

export interface CellTiming {
  warmupMs: number;
  durationMs: number;
  /** Target msgs/s (open loop): intended send times t0 + i·(1/rate). Absent: max rate. */
  rate?: number;
  /** Stop after this many measured messages instead of at the end of the duration. */
  messages?: number;
  intervalMs: number;
  /** Waiting for outstanding acks after sending stops; the rest count as errors. */
  settleMs?: number;
  /** Waiting for the consumer to catch up; the rest are flagged undelivered. */
  drainMs?: number;
}

/** Start of the run on nowNs()'s scale, for offsets on the report's timeline. */
export interface CellContext {
  runStartNs: number;
  /** The cell's index, stamped into every payload so deliveries reach its recorder. */
  index: number;
  /** Route deliveries of this cell's messages to `rec` (undefined: the cell is over). */
  route(index: number, rec: CellRecorder | undefined): void;
  /**
   * Runs once sending has stopped and acks have settled, before the drain: a producer-only cell
   * starts its consumer here, so nothing is consumed while the producer is measured.
   */
  afterSending?(): Promise<void>;
}

/**
 * One cell: warm-up, measured phase, then settle (outstanding acks) and drain (consumer).
 * Open loop at a fixed rate: message i is intended at t0 + i·interval (never setInterval, which
 * drifts); the loop sleeps until then, and when it is late it sends at once — the lateness is the
 * publish delay, and publish and end-to-end latency count from the intended time, so a stalled
 * broker cannot hide (coordinated omission). Sends still due when the window closes are dropped.
 */
export async function runCell(client: BenchClient, spec: CellSpec, timing: CellTiming, ctx: CellContext): Promise<CellResult> {
  const template = payloadTemplate(spec.size);
  const intervalNs = timing.rate ? NS_PER_S / timing.rate : undefined;
  const t0 = nowNs();
  const startedAt = new Date().toISOString();
  const measureStart = t0 + timing.warmupMs * NS_PER_MS;
  const end = timing.messages === undefined ? measureStart + timing.durationMs * NS_PER_MS : Infinity;
  const rec = new CellRecorder(measureStart, timing.intervalMs * NS_PER_MS);
  const sender = createSender(spec, client, rec);
  const unit = sender.unit;
  const loop = new EventLoopMonitor();
  const yielder = new Yielder();
  ctx.route(ctx.index, rec);
  let measuredSent = 0;
  let monitoring = false;
  let i = 0;
  for (; ; i += unit) {
    const intended = intervalNs === undefined ? undefined : t0 + (i + unit - 1) * intervalNs;
    if (intended !== undefined) {
      if (intended >= end) break;
      await sleepUntil(intended);
    } else await yielder.maybe();
    if (nowNs() >= end || (timing.messages !== undefined && measuredSent >= timing.messages)) break;
    await sender.ready();
    const actual = nowNs();
    const measured = actual >= measureStart;
    if (measured && !monitoring) {
      loop.start();
      monitoring = true;
    }
    const bases: number[] = [];
    const payloads: Buffer[] = [];
    for (let k = 0; k < unit; k++) {
      const base = intervalNs === undefined ? actual : t0 + (i + k) * intervalNs;
      bases.push(base);
      payloads.push(stampPayload(template, base, ctx.index, measured));
    }
    rec.onSent(actual, unit, measured);
    if (measured && intended !== undefined) rec.onDelay(actual, actual - intended);
    if (measured) measuredSent += unit;
    await sender.send(payloads, bases, measured);
  }
  const sendEnd = nowNs();
  const eventLoop = monitoring ? loop.stop() : { p50Ms: 0, p99Ms: 0, maxMs: 0 };
  const settled = await sender.settle(timing.settleMs ?? 30_000);
  if (!settled) rec.onError(new Error(`no ack within ${timing.settleMs ?? 30_000} ms after sending stopped`), Math.max(0, rec.sent - rec.acked - rec.errors), true);
  await ctx.afterSending?.();
  await rec.drained(timing.drainMs ?? 10_000);
  ctx.route(ctx.index, undefined);
  rec.close();
  // Open loop: every message intended before the window closed and never sent was dropped.
  const intendedBeforeEnd = intervalNs === undefined || timing.messages !== undefined ? i : Math.ceil((end - t0) / intervalNs);
  return summarize(spec, rec, {
    unit,
    startedAt,
    offsetSeconds: (measureStart - ctx.runStartNs) / NS_PER_S,
    warmupMs: timing.warmupMs,
    measuredMs: (Math.max(sendEnd, rec.lastAckNs) - measureStart) / NS_PER_MS,
    sendingMs: (sendEnd - measureStart) / NS_PER_MS,
    intervalNs,
    rate: timing.rate,
    dropped: Math.max(0, intendedBeforeEnd - i),
    eventLoop,
    intervalSeconds: timing.intervalMs / 1000,
  });
}

/**
 * Publish delay p99 above this means the generator fell behind: the interval between two sends
 * (a batch's interval in batched mode), but never under 1 ms — Node's timers have 1 ms
 * granularity, and a sub-millisecond lateness caught up by the next send leaves the offered
 * load unchanged (a sustained lag shows as below-target-rate or dropped).
 */
export function behindLimitUs(unitIntervalNs: number): number {
  return Math.max(unitIntervalNs, NS_PER_MS) / NS_PER_US;
}

interface Timing {
  unit: number;
  startedAt: string;
  offsetSeconds: number;
  warmupMs: number;
  measuredMs: number;
  sendingMs: number;
  intervalNs: number | undefined;
  rate: number | undefined;
  dropped: number;
  eventLoop: CellResult["eventLoop"];
  intervalSeconds: number;
}

function summarize(spec: CellSpec, rec: CellRecorder, t: Timing): CellResult {
  const antiPattern = spec.mode === "fire-and-forget";
  // Fire-and-forget "throughput" is what such a benchmark would claim: sends issued per second.
  const count = antiPattern ? rec.sent : rec.acked;
  const seconds = Math.max(1e-9, (antiPattern ? t.sendingMs : t.measuredMs) / 1000);
  const achievedRate = Math.round((count / seconds) * 10) / 10;
  const publish = rec.publish.summary();
  const delay = t.intervalNs === undefined ? undefined : rec.delay.summary();
  const flags: CellFlag[] = [];
  if (antiPattern) flags.push("anti-pattern");
  if (delay && t.intervalNs !== undefined && delay.p99 > behindLimitUs(t.intervalNs * t.unit)) flags.push("behind-schedule");
  if (t.rate !== undefined && achievedRate < 0.95 * t.rate) flags.push("below-target-rate");
  if (t.eventLoop.p99Ms > EVENT_LOOP_P99_LIMIT_MS) flags.push("event-loop-delay");
  if (rec.errors > 0) flags.push("errors");
  if (rec.delivered < rec.acked) flags.push("undelivered");
  if (t.dropped > 0) flags.push("dropped");
  return {
    ...spec,
    antiPattern,
    startedAt: t.startedAt,
    offsetSeconds: Math.round(t.offsetSeconds * 1000) / 1000,
    warmupMs: t.warmupMs,
    measuredMs: Math.round(t.measuredMs * 1000) / 1000,
    ...(t.rate !== undefined ? { targetRate: t.rate } : {}),
    achievedRate,
    mbPerSec: Math.round(((achievedRate * spec.size) / 1_000_000) * 1000) / 1000,
    sent: rec.sent,
    acked: rec.acked,
    errors: rec.errors,
    delivered: rec.delivered,
    dropped: t.dropped,
    ...(rec.firstError !== undefined ? { firstError: rec.firstError } : {}),
    publish,
    ...(delay ? { delay } : {}),
    e2e: rec.e2e.summary(),
    eventLoop: t.eventLoop,
    intervalSeconds: t.intervalSeconds,
    intervals: rec.intervals.rows(),
    flags,
  };
}
