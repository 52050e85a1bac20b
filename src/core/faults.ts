/**
 * Faults a nemesis injects while a scenario runs. A schedule of steps is part of the scenario
 * (generated and shrunk by fast-check with the workload); each window is recorded in the history
 * as a pair of `fault` ops on process "nemesis" and drawn as a band in the report.
 */
export const NETWORK_FAULTS = ["latency", "bandwidth", "timeout", "reset-peer", "cut", "slicer"] as const;
export const PROCESS_FAULTS = ["kill", "pause", "restart"] as const;
/** Between the nodes of a local cluster (docs/clusters.md): network partitions, Jepsen's names. */
export const PARTITION_FAULTS = ["partition-node", "partition-leader", "partition-halves", "partition-bridge"] as const;
/** Process faults on the node that leads the scenario's queue, resolved when the window opens. */
export const LEADER_FAULTS = ["kill-leader", "pause-leader", "restart-leader"] as const;
export const FAULT_NAMES = [...NETWORK_FAULTS, ...PROCESS_FAULTS, ...PARTITION_FAULTS, ...LEADER_FAULTS] as const;

export type FaultName = (typeof FAULT_NAMES)[number];

/** Which clients' traffic a network fault hits (the broker decides what it can separate). */
export type FaultScope = "all" | "producers" | "consumers";

export interface FaultStep {
  name: FaultName;
  /** Start, ms after the run's start. */
  atMs: number;
  durationMs: number;
  /** Toxic attributes (latency/jitter ms, rate KB/s, timeout ms...), see docs/faults.md. */
  params?: Record<string, number>;
  /** Network faults: broker → client (downstream, default) or client → broker (upstream). */
  stream?: "upstream" | "downstream";
  /** Network faults: only these clients' traffic, where the environment proxies them apart (default all). */
  scope?: FaultScope;
}

/** A fault in force, until stop() heals it. */
export interface ActiveFault {
  /** What the fault resolved to when it started (the nodes on each side, the leader it hit): recorded in the history. */
  readonly detail?: Record<string, unknown>;
  /** Heal; may return what was observed (did the broker see the partition, did the leader change), recorded too. */
  stop(): Promise<void | Record<string, unknown>>;
}

/** What an environment can break, and how. */
export interface FaultInjector {
  readonly available: readonly FaultName[];
  /** Which clients network faults affect in this environment. */
  readonly scope: FaultScope;
  start(step: FaultStep): Promise<ActiveFault>;
  /** Remove every fault in force (before the final drain). */
  healAll(): Promise<void>;
  close(): Promise<void>;
}

export function isFaultName(name: string): name is FaultName {
  return (FAULT_NAMES as readonly string[]).includes(name);
}
