/** The record a bench run writes (results.json): every figure carries what produced it. */

import type { NativeComparison } from "./native/types.js";

/** How a cell sends. `fire-and-forget` is measured only to show why it is wrong. */
export type SendMode = "sequential" | "pipelined" | "batched" | "fire-and-forget";

export const SEND_MODES: readonly SendMode[] = ["sequential", "pipelined", "batched", "fire-and-forget"];

/** One point of the matrix: a mode, a payload size and N (in-flight limit or batch size). */
export interface CellSpec {
  id: string;
  mode: SendMode;
  /** Payload bytes per message (including the 16-byte stamp header). */
  size: number;
  /** sequential: 1; pipelined: max in flight; batched: messages per batch; fire-and-forget: 0 (unbounded). */
  n: number;
}

/** A latency series, in microseconds, with its full HdrHistogram (compressed base64). */
export interface SeriesSummary {
  count: number;
  unit: "us";
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  p9999: number;
  max: number;
  histogram: string;
  /** Points of the percentile curve: [percentile, value µs], for plots. */
  curve: [number, number][];
}

/** One interval (bucket) of a cell's measured phase; events are bucketed by when they happened. */
export interface IntervalRow {
  /** Seconds since the measured phase started (bucket start). */
  t: number;
  sent: number;
  acked: number;
  delivered: number;
  errors: number;
  publishP50?: number;
  publishP99?: number;
  e2eP50?: number;
  e2eP99?: number;
  delayP50?: number;
  delayP99?: number;
}

/** Why a cell's numbers need care. */
export type CellFlag =
  | "anti-pattern"
  | "behind-schedule"
  | "below-target-rate"
  | "event-loop-delay"
  | "errors"
  | "undelivered"
  | "dropped";

export interface CellResult extends CellSpec {
  antiPattern: boolean;
  /**
   * Measured with nothing consumed (the native comparison's twin, as the brokers' own producer
   * benchmarks run): read back only after sending stopped, so `delivered` counts the read-back
   * and there is no end-to-end latency.
   */
  producerOnly?: true;
  startedAt: string;
  /** Offset of the measured phase's start from the run's start, seconds (for timelines). */
  offsetSeconds: number;
  warmupMs: number;
  /** From the measured start until the last measured message was acked (or sending stopped). */
  measuredMs: number;
  targetRate?: number;
  achievedRate: number;
  mbPerSec: number;
  sent: number;
  acked: number;
  errors: number;
  /** Measured messages the consumer received. */
  delivered: number;
  /** Fixed-rate only: sends whose intended time fell in the window but were never started. */
  dropped: number;
  firstError?: string;
  publish: SeriesSummary;
  /** Fixed-rate only: actual − intended send time. */
  delay?: SeriesSummary;
  e2e: SeriesSummary;
  eventLoop: { p50Ms: number; p99Ms: number; maxMs: number };
  intervalSeconds: number;
  intervals: IntervalRow[];
  flags: CellFlag[];
}

export type { Versions } from "../core/bench-client.js";
import type { Versions } from "../core/bench-client.js";

export interface HostInfo {
  hostname: string;
  platform: string;
  arch: string;
  cpuModel: string;
  cpus: number;
  memoryBytes: number;
  node: string;
}

export interface BenchSettings {
  sizes: number[];
  inFlight: number[];
  batch: number[];
  modes: SendMode[];
  durationMs: number;
  warmupMs: number;
  /** Target msgs/s per cell (open loop); absent = max rate (closed loop per mode). */
  rate?: number;
  /** Measured messages per cell instead of a duration. */
  messages?: number;
  /** Publish latency and e2e count from the intended send time (fixed rate) or the actual one. */
  latencyFrom: "intended" | "actual";
  /** Broker-specific settings (acks, queue type, prefetch ...). */
  client: Record<string, unknown>;
}

export interface ThresholdOutcome {
  expression: string;
  passed: boolean;
  breaches: { cell: string; value: number | null; detail: string }[];
}

/** A fault window on the run's timeline (seconds since start); optional, drawn as bands. */
export interface FaultWindow {
  name: string;
  start: number;
  stop?: number;
}

/** What every `gauntlet bench` results.json opens with: which bench, when, against what, on which host. */
export interface BenchRunHeader<K extends string> {
  gauntlet: "bench";
  version: 1;
  kind: K;
  runId: string;
  command: string;
  startedAt: string;
  finishedAt: string;
  broker: string;
  family: string;
  host: HostInfo;
}

export interface BenchRun extends BenchRunHeader<"send-modes"> {
  environment: string;
  versions: Versions;
  settings: BenchSettings;
  cells: CellResult[];
  /** Compact view for people and scripts: one row per cell, latencies in ms. */
  matrix: MatrixRow[];
  thresholds: ThresholdOutcome[];
  faults?: FaultWindow[];
  /** `--native`: the broker's own perf tool on the same broker and settings, Gauntlet as a ratio to it. */
  native?: NativeComparison;
  /** `--protocol-proxy`: the same cells through an idle protocol proxy, msgs/s as a ratio to direct. */
  protocolProxy?: ProxyOverhead;
  reportDir: string;
  /** Set when a signal stopped the run: `cells` holds the cells finished before it. */
  interrupted?: string;
}

/** `--protocol-proxy`: each cell's msgs/s direct and through an idle protocol proxy. */
export interface ProxyOverhead {
  /** What the proxied run went through. */
  proxy: string;
  rows: { cell: string; direct: number; proxied: number; ratio: number }[];
  /** The lowest proxied ÷ direct ratio over the cells. */
  minRatio: number;
}

export interface MatrixRow {
  cell: string;
  mode: SendMode;
  size: number;
  n: number;
  msgsPerSec: number;
  mbPerSec: number;
  p50: number;
  p99: number;
  p999: number;
  e2eP99: number | null;
  flags: CellFlag[];
}
