/**
 * Faults a nemesis injects while a scenario runs. A schedule of steps is part of the scenario
 * (generated and shrunk by fast-check with the workload); each window is recorded in the history
 * as a pair of `fault` ops on process "nemesis" and drawn as a band in the report.
 */

/**
 * What kind of thing a fault breaks: the network between clients and broker, the broker's
 * process, a cluster's links or leader, or one protocol frame (a protocol-aware proxy).
 */
export type FaultKind = "network" | "process" | "partition" | "leader" | "protocol";

/**
 * The wire protocol a protocol fault acts on: the proxy frames AMQP 0-9-1 and Kafka; AMQP 1.0
 * faults act inside the embedded Service Bus emulator (its fault hooks), where the frames are.
 */
export type FaultProtocol = "amqp-0-9-1" | "kafka" | "amqp-1.0";

/** One row of the fault table: what it does, and its parameters' defaults (see docs/faults.md). */
export interface FaultInfo {
  kind: FaultKind;
  /** One line for help and errors. */
  summary: string;
  /** Parameters and their defaults (network faults: the toxiproxy toxic's attributes). */
  defaults: Readonly<Record<string, number>>;
  /** Protocol faults: the wire protocol whose frames it acts on. */
  protocol?: FaultProtocol;
}

/**
 * Every fault Gauntlet can inject, keyed by its name: the one vocabulary the CLI's help and
 * validation, the environments' fault lists, the schedule generator and the proxies read.
 */
export const FAULTS = {
  latency: { kind: "network", summary: "delay data by latency ± jitter ms", defaults: { latency: 100, jitter: 20 } },
  bandwidth: { kind: "network", summary: "limit data to rate KB/s", defaults: { rate: 16 } },
  timeout: { kind: "network", summary: "stop all data; close the connection after timeout ms (0: never)", defaults: { timeout: 200 } },
  "reset-peer": { kind: "network", summary: "reset connections (TCP RST) after timeout ms", defaults: { timeout: 0 } },
  cut: { kind: "network", summary: "disable the proxy: open connections drop, new ones are refused", defaults: {} },
  slicer: { kind: "network", summary: "slice data into small chunks with delays between them", defaults: { average_size: 16, size_variation: 8, delay: 500 } },
  kill: { kind: "process", summary: "SIGKILL the broker; it restarts on the same data when the window ends", defaults: {} },
  pause: { kind: "process", summary: "SIGSTOP the broker; SIGCONT when the window ends", defaults: {} },
  restart: { kind: "process", summary: "shut the broker down cleanly; start it again when the window ends", defaults: {} },
  "partition-node": { kind: "partition", summary: "cluster: cut one node off from the others (Jepsen's isolate a node)", defaults: {} },
  "partition-leader": { kind: "partition", summary: "cluster: cut the scenario queue's leader off from the others", defaults: {} },
  "partition-halves": { kind: "partition", summary: "cluster: split the nodes into a majority and a minority", defaults: {} },
  "partition-bridge": { kind: "partition", summary: "cluster: two halves that one node still sees both of", defaults: {} },
  "partition-producer-node": { kind: "partition", summary: "cluster: cut off the node a producer publishes through (one serving no consumer where there is one; Kafka: the leader), resolved when the window opens", defaults: {} },
  "kill-leader": { kind: "leader", summary: "cluster: SIGKILL the node leading the scenario's queue, resolved when the window opens", defaults: {} },
  "pause-leader": { kind: "leader", summary: "cluster: SIGSTOP the leader; SIGCONT when the window ends", defaults: {} },
  "restart-leader": { kind: "leader", summary: "cluster: restart the leader cleanly", defaults: {} },
  "lost-confirm": { kind: "protocol", protocol: "amqp-0-9-1", summary: "AMQP: the nth publisher confirm (basic.ack/nack to a publisher) is dropped and its connection closed", defaults: { nth: 1 } },
  "delayed-confirm": { kind: "protocol", protocol: "amqp-0-9-1", summary: "AMQP: the nth publisher confirm is held back delay ms", defaults: { nth: 1, delay: 200 } },
  "lost-consumer-ack": { kind: "protocol", protocol: "amqp-0-9-1", summary: "AMQP: the nth consumer basic.ack is dropped on its way to the broker and the connection closed", defaults: { nth: 1 } },
  "connection-blocked": { kind: "protocol", protocol: "amqp-0-9-1", summary: "AMQP: at the nth basic.publish the broker sends connection.blocked and reads nothing from the connection for delay ms, then connection.unblocked (a memory or disk alarm)", defaults: { nth: 1, delay: 2000 } },
  "channel-close": { kind: "protocol", protocol: "amqp-0-9-1", summary: "AMQP: the nth basic.publish is not stored; the broker closes its channel with channel.close code (541 INTERNAL_ERROR, or 406 PRECONDITION_FAILED) and the client's later frames on it are ignored until it confirms the close", defaults: { nth: 1, code: 541 } },
  "lost-produce-response": { kind: "protocol", protocol: "kafka", summary: "Kafka: the nth Produce response is dropped and the connection closed (the append happened)", defaults: { nth: 1 } },
  "lost-commit-response": { kind: "protocol", protocol: "kafka", summary: "Kafka: the nth OffsetCommit response is dropped and the connection closed (the commit happened); consumers go through the proxy too", defaults: { nth: 1 } },
  "coordinator-loading": { kind: "protocol", protocol: "kafka", summary: "Kafka: the nth OffsetCommit request and count-1 after it are answered COORDINATOR_LOAD_IN_PROGRESS, not forwarded; consumers go through the proxy too", defaults: { nth: 1, count: 1 } },
  "produce-timed-out": { kind: "protocol", protocol: "kafka", summary: "Kafka: the nth Produce response is replaced by REQUEST_TIMED_OUT (the append happened; the client is told it did not)", defaults: { nth: 1 } },
  "rebalance-in-progress": { kind: "protocol", protocol: "kafka", summary: "Kafka: the nth Heartbeat request and count-1 after it are answered REBALANCE_IN_PROGRESS, not forwarded: the consumer rejoins its group; consumers go through the proxy too", defaults: { nth: 1, count: 1 } },
  "not-leader": { kind: "protocol", protocol: "kafka", summary: "Kafka: the nth Produce request and count-1 after it are answered NOT_LEADER_OR_FOLLOWER, not forwarded", defaults: { nth: 1, count: 1 } },
  "server-busy": { kind: "protocol", protocol: "amqp-1.0", summary: "Service Bus emulator: the window's next count sends are refused with com.microsoft:server-busy", defaults: { count: 1 } },
  "delayed-disposition": { kind: "protocol", protocol: "amqp-1.0", summary: "Service Bus emulator: the window's next count settlements (complete, abandon, dead-letter) are applied but answered delay ms late", defaults: { count: 1, delay: 500 } },
  "lost-disposition": { kind: "protocol", protocol: "amqp-1.0", summary: "Service Bus emulator: the window's next count settlements are applied but never answered (the SDK call times out)", defaults: { count: 1 } },
  "credit-starved": { kind: "protocol", protocol: "amqp-1.0", summary: "Service Bus emulator: no link credit for the window: sends stall, receivers get nothing", defaults: {} },
  "detach-links": { kind: "protocol", protocol: "amqp-1.0", summary: "Service Bus emulator: every link is force-detached (amqp:link:detach-forced) when the window opens; the SDK re-attaches", defaults: {} },
  "drop-connections": { kind: "protocol", protocol: "amqp-1.0", summary: "Service Bus emulator: every client socket is destroyed without a close handshake when the window opens", defaults: {} },
  "lose-locks": { kind: "protocol", protocol: "amqp-1.0", summary: "Service Bus emulator: every message lock held when the window opens expires at once (settling with it fails MessageLockLost)", defaults: {} },
} as const satisfies Record<string, FaultInfo>;

export type FaultName = keyof typeof FAULTS;

/** Every fault name, in the table's order. */
export const FAULT_NAMES = Object.keys(FAULTS) as FaultName[];

const ofKind = (kind: FaultKind): readonly FaultName[] => FAULT_NAMES.filter((n) => FAULTS[n].kind === kind);

/** Faults between clients and broker (toxiproxy). */
export const NETWORK_FAULTS = ofKind("network");
/** Faults of a broker process Gauntlet started (on a cluster: one node). */
export const PROCESS_FAULTS = ofKind("process");
/** Between the nodes of a local cluster (docs/clusters.md): network partitions, Jepsen's names. */
export const PARTITION_FAULTS = ofKind("partition");
/** Process faults on the node that leads the scenario's queue, resolved when the window opens. */
export const LEADER_FAULTS = ofKind("leader");

/** One frame at a protocol moment (a protocol-aware proxy in front of the broker): docs/faults.md. */
export const PROTOCOL_FAULTS = ofKind("protocol");

/** The protocol faults acting on one wire protocol. */
export const protocolFaultsOf = (protocol: FaultProtocol): readonly FaultName[] => PROTOCOL_FAULTS.filter((n) => (FAULTS[n] as FaultInfo).protocol === protocol);

/** The channel.close reply codes `channel-close` may send: 406 PRECONDITION_FAILED, 541 INTERNAL_ERROR. */
export const CHANNEL_CLOSE_CODES: readonly number[] = [406, 541];

/**
 * Why a protocol fault step's trigger can never match (a count below 1, a parameter the fault
 * does not have), or undefined when it can. Counts and tags are whole numbers from 1.
 */
export function protocolStepProblem(step: Pick<FaultStep, "name" | "params">): string | undefined {
  const info: FaultInfo = FAULTS[step.name];
  if (info.kind !== "protocol") return undefined;
  for (const [key, value] of Object.entries(step.params ?? {})) {
    // AMQP faults may name a delivery tag instead of a count (the frames they act on carry one).
    const keys = [...Object.keys(info.defaults), ...(info.protocol === "amqp-0-9-1" ? ["tag"] : [])];
    if (!keys.includes(key)) return `${step.name} has no parameter "${key}" (it has ${keys.join(", ")})`;
    const min = key === "delay" ? 0 : 1;
    if (!Number.isInteger(value) || value < min) return `${step.name}: ${key} ${value} can never match a frame (a whole number from ${min})`;
    if (key === "code" && !CHANNEL_CLOSE_CODES.includes(value)) return `${step.name}: code ${value} is not a channel error the broker sends here (${CHANNEL_CLOSE_CODES.join(" or ")})`;
  }
  return undefined;
}

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

/** Whether `name` is in the fault table. */
export function isFaultName(name: string): name is FaultName {
  return Object.hasOwn(FAULTS, name);
}

/** What a broker process Gauntlet started can suffer; each returns when the fault is in force. */
export interface ProcessControl {
  /** SIGKILL now; the returned function restarts it on the same data and ports. */
  kill(): Promise<() => Promise<void>>;
  /** SIGSTOP now; the returned function sends SIGCONT. */
  pause(): Promise<() => Promise<void>>;
  /** Clean shutdown now; the returned function starts it again. */
  restart(): Promise<() => Promise<void>>;
}

/** One node of a local cluster, as the nemesis sees it. */
export interface ClusterNodeHandle {
  name: string;
  ns: string;
  address: string;
  pid: number;
}

/** What a local cluster offers the nemesis; each broker family implements it (rabbitmq-cluster-control.ts). */
export interface ClusterControl {
  readonly nodes: readonly ClusterNodeHandle[];
  /** SIGKILL node i's process group. */
  kill(i: number): Promise<void>;
  /** Clean shutdown of node i. */
  shutdown(i: number): Promise<void>;
  /** Start node i again on its data and wait until it serves clients. */
  start(i: number): Promise<void>;
  pause(i: number): void;
  resume(i: number): void;
  /** Is node i's process alive? */
  running(i: number): boolean;
  /** Index of the node leading the scenario's queue/partition now, if one can be told. */
  leader(): Promise<number | undefined>;
  /**
   * Index of the node a producer publishes through now, where the clients tell (RabbitMQ: the node
   * a producer's connection reached, preferring one that serves no consumer). Absent: the leader
   * (Kafka producers write to the partition leader).
   */
  producerNode?(): number | undefined;
  /** Does some node see another as down or partitioned (did the fault bite)? */
  partitionObserved(): Promise<boolean>;
  /**
   * After healing: wait until every node sees every other running; if the broker will not merge
   * by itself (RabbitMQ's `ignore`), do what its docs tell an operator (restart the losing side).
   */
  settle(): Promise<void>;
}
