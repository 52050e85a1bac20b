import { IntervalSeries } from "./intervals.js";
import { LatencyRecorder } from "./histogram.js";
import { NS_PER_US, nowNs } from "./time.js";

/**
 * Everything one cell measures. A message belongs to the measured phase when it was actually
 * sent after the warm-up (as OMB resets its stats); a warm-up message only counts towards the
 * drain. Events after close() (a straggling ack) are ignored.
 */
export class CellRecorder {
  readonly publish = new LatencyRecorder();
  readonly delay = new LatencyRecorder();
  readonly e2e = new LatencyRecorder();
  readonly intervals: IntervalSeries;
  sent = 0;
  acked = 0;
  errors = 0;
  delivered = 0;
  firstError: string | undefined;
  /** When the last measured ack arrived. */
  lastAckNs = 0;
  /** Warm-up and measured together, for waiting until the consumer has caught up. */
  private ackedAll = 0;
  private deliveredAll = 0;
  private closed = false;

  constructor(
    readonly measureStartNs: number,
    intervalNs: number,
  ) {
    this.intervals = new IntervalSeries(measureStartNs, intervalNs);
  }

  onSent(actualNs: number, count: number, measured: boolean): void {
    if (!measured || this.closed) return;
    this.sent += count;
    this.intervals.count("sent", actualNs, count);
  }

  onDelay(actualNs: number, delayNs: number): void {
    if (this.closed) return;
    this.delay.record(delayNs / NS_PER_US);
    this.intervals.latency("delay", actualNs, delayNs / NS_PER_US);
  }

  /** A message acknowledged; latency counts from `baseNs` (intended or actual send time). */
  onAck(baseNs: number, measured: boolean): void {
    if (this.closed) return;
    this.ackedAll++;
    if (!measured) return;
    const t = nowNs();
    const us = (t - baseNs) / NS_PER_US;
    this.acked++;
    this.lastAckNs = t;
    this.publish.record(us);
    this.intervals.count("acked", t);
    this.intervals.latency("publish", t, us);
  }

  onError(err: unknown, count: number, measured: boolean): void {
    if (this.closed || !measured) return;
    this.errors += count;
    this.firstError ??= err instanceof Error ? err.message || err.name : String(err);
    this.intervals.count("errors", nowNs(), count);
  }

  /** A delivery of this cell's message stamped at `stampNs`. */
  onDelivered(stampNs: number, measured: boolean): void {
    if (this.closed) return;
    this.deliveredAll++;
    if (!measured) return;
    const t = nowNs();
    const us = (t - stampNs) / NS_PER_US;
    this.delivered++;
    this.e2e.record(us);
    this.intervals.count("delivered", t);
    this.intervals.latency("e2e", t, us);
  }

  /**
   * A message of this cell read back after sending ended (a producer-only cell): it counts as
   * delivered, but its e2e latency would be the read-back's wait, so none is recorded.
   */
  onReadBack(measured: boolean): void {
    if (this.closed) return;
    this.deliveredAll++;
    if (measured) this.delivered++;
  }

  /** Wait until the consumer has received every acknowledged message, or `timeoutMs` passed. */
  async drained(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.deliveredAll < this.ackedAll) {
      if (Date.now() >= deadline) return false;
      await new Promise((r) => setTimeout(r, 5));
    }
    return true;
  }

  close(): void {
    this.closed = true;
  }
}
