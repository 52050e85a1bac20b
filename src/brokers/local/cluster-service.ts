import type { NetnsNetwork } from "./netns.js";
import type { LocalService, ServiceState } from "./service.js";

/** RabbitMQ's cluster_partition_handling modes. */
export const PARTITION_HANDLING = ["ignore", "autoheal", "pause_minority"] as const;
export type PartitionHandling = (typeof PARTITION_HANDLING)[number];

/** One node of a local cluster, as its state file records it. */
export interface ClusterNodeState {
  name: string;
  address: string;
  ns: string;
  pid: number;
  dir: string;
  url: string;
  /** RabbitMQ `member`; Kafka `broker,controller` (KRaft combined mode). */
  role: string;
}

/** What `gauntlet brokers up <broker> --nodes N` records: enough for any later process to act on it. */
export interface ClusterState extends ServiceState {
  kind: string;
  network: NetnsNetwork;
  nodes: ClusterNodeState[];
  /** Wall time from the first ip command to every node serving clients, ms. */
  startMs: number;
}

/** `brokers up --nodes` options; each broker takes the ones that apply to it. */
export interface ClusterStartOptions {
  nodes: number;
  /** RabbitMQ only. */
  partitionHandling?: PartitionHandling;
  /** RabbitMQ only. */
  mirrored?: boolean;
}

/** A local service that runs as N nodes (`gauntlet brokers up <name> --nodes N`). */
export interface ClusterService<S extends ClusterState = ClusterState> extends LocalService<S> {
  /** The single-node service this is the cluster form of (`rabbitmq`, `kafka`). */
  readonly base: string;
  /** Options of `brokers up` this broker understands (others are refused, naming these). */
  readonly options: readonly (keyof ClusterStartOptions)[];
  startCluster(options: ClusterStartOptions): Promise<S>;
  running(state: S): boolean;
  /** Settings worth printing and listing in `status --json` (partition handling, version...). */
  describe(state: S): Record<string, unknown>;
}
