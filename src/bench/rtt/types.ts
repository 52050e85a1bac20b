import type { BenchRunHeader, Versions } from "../types.js";

/** The seed's experiment: how many round trips each way of sending N messages costs. */
export type RttMode = "one-send" | "sequential" | "pipelined" | "batched";

export interface RttRow {
  mode: RttMode;
  /** "sequential", "pipelined(maxInFlight=10)" ... */
  label: string;
  messages: number;
  /** pipelined: the in-flight limit. */
  inFlight?: number;
  totalMs: number;
  perMessageMs: number;
  /** totalMs ÷ the measured one-send RTT. */
  rtts: number;
  /** What the round-trip model predicts: N, ⌈N/K⌉, 1. */
  expectedRtts: number;
}

export interface RttRun extends BenchRunHeader<"rtt"> {
  /** What the proxy forwarded to, in words (memory:// says it is an in-process queue behind a TCP hop). */
  target: string;
  versions: Versions;
  settings: {
    latencyMs: number;
    /** How the toxic is applied. */
    latencySplit: { upstreamMs: number; downstreamMs: number };
    messages: number;
    inFlight: number;
    size: number;
    /** Single awaited sends whose median is the RTT. */
    probes: number;
    client: Record<string, unknown>;
  };
  /** The median single-send round trip through the proxy, ms. */
  rttMs: number;
  /** All single-send samples, ms. */
  probesMs: number[];
  rows: RttRow[];
  notes: string[];
  reportDir: string;
}
