import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { randomUUID } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Kafka, logLevel } from "kafkajs";
import { InfrastructureError, UsageError } from "../../core/errors.js";
import type { ClusterNodeState, ClusterState } from "./cluster-service.js";
import { freePort, waitUntil } from "./free-port.js";
import { DEFAULT_KAFKA_VERSION, KAFKA_INSTALL, type KafkaVersion, kafkaInstalled } from "./kafka-install.js";
import { LOG4J_PROPERTIES, java } from "./kafka-node.js";
import { createNetwork, removeNetwork, requireNodeHome } from "./netns.js";
import { alive } from "./state.js";
import { type TiedCleanup, runIfThisProcessDies } from "./tied-process.js";

export const KAFKA_CLIENT_PORT = 9092;
const CONTROLLER_PORT = 9093;
/** Each node's second client listener (PROXIED), inside its namespace: a run's protocol proxy forwards to it. */
export const KAFKA_PROXIED_PORT = 9094;

export interface KafkaClusterOptions {
  nodes: number;
  version?: KafkaVersion;
  startTimeoutMs?: number;
  /** Outlive this process (`gauntlet brokers up`); otherwise a watchdog removes the cluster if we die. */
  keepRunning?: boolean;
}

export interface KafkaClusterNode extends ClusterNodeState {
  /** KRaft node.id (index + 1). */
  id: number;
  role: "broker,controller";
  /**
   * The host port (127.0.0.1) this node's PROXIED listener advertises, where a run's protocol
   * proxy listens and forwards to KAFKA_PROXIED_PORT: clients that bootstrap there follow the
   * metadata back through the proxies, node by node. Absent on clusters started before it existed.
   */
  proxyPort?: number;
}

export interface KafkaClusterState extends ClusterState {
  kind: "kafka-cluster";
  version: KafkaVersion;
  clusterId: string;
  nodes: KafkaClusterNode[];
}

export interface StartedKafkaCluster {
  state: KafkaClusterState;
  stop(): Promise<void>;
}

/**
 * The server.properties of node i. Every node is broker and controller (KRaft combined mode:
 * Kafka's docs keep dedicated controllers for production; three combined nodes are the small
 * cluster that fits 2 cores). Internal topics replicate to min(3, N) nodes; failure detection is
 * quicker than Kafka's defaults so that a fault window of ~8 s bites (a broker fenced after 6 s
 * without a heartbeat, a lagging follower out of the ISR after 10 s).
 */
export function kafkaClusterProperties(state: Pick<KafkaClusterState, "nodes">, i: number, dir: string): string {
  const node = state.nodes[i]!;
  const rf = Math.min(3, state.nodes.length);
  const proxied = node.proxyPort !== undefined;
  return [
    "process.roles=broker,controller",
    `node.id=${node.id}`,
    `controller.quorum.voters=${state.nodes.map((n) => `${n.id}@${n.address}:${CONTROLLER_PORT}`).join(",")}`,
    `listeners=PLAINTEXT://${node.address}:${KAFKA_CLIENT_PORT},${proxied ? `PROXIED://${node.address}:${KAFKA_PROXIED_PORT},` : ""}CONTROLLER://${node.address}:${CONTROLLER_PORT}`,
    `advertised.listeners=PLAINTEXT://${node.address}:${KAFKA_CLIENT_PORT}${proxied ? `,PROXIED://127.0.0.1:${node.proxyPort}` : ""}`,
    "controller.listener.names=CONTROLLER",
    "inter.broker.listener.name=PLAINTEXT",
    `listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT${proxied ? ",PROXIED:PLAINTEXT" : ""}`,
    `log.dirs=${join(dir, "data")}`,
    "num.partitions=1",
    `default.replication.factor=${rf}`,
    `offsets.topic.replication.factor=${rf}`,
    "offsets.topic.num.partitions=1",
    `transaction.state.log.replication.factor=${rf}`,
    `transaction.state.log.min.isr=${Math.min(2, rf)}`,
    "transaction.state.log.num.partitions=1",
    "group.initial.rebalance.delay.ms=0",
    "auto.create.topics.enable=false",
    "broker.session.timeout.ms=6000",
    "broker.heartbeat.interval.ms=1000",
    "replica.lag.time.max.ms=10000",
    "",
  ].join("\n");
}

export function checkKafkaClusterOptions(options: Pick<KafkaClusterOptions, "nodes">): void {
  if (!Number.isInteger(options.nodes) || options.nodes < 1 || options.nodes > 5) throw new UsageError(`--nodes ${options.nodes}: a local Kafka cluster has 1 to 5 nodes`, "e.g. --nodes 3");
}

/**
 * Start N Kafka nodes (KRaft), each in its own network namespace (netns.ts) with its own data,
 * config and log, all formatted with one cluster id. Ready when every node answers metadata with
 * all N brokers registered. A failed start removes everything it made.
 */
export async function startKafkaCluster(options: KafkaClusterOptions): Promise<StartedKafkaCluster> {
  checkKafkaClusterOptions(options);
  const version = options.version ?? DEFAULT_KAFKA_VERSION;
  if (!kafkaInstalled(version)) throw new InfrastructureError(`Kafka ${version} is not installed`, KAFKA_INSTALL);
  const started = Date.now();
  const proxyPorts = await distinctFreePorts(options.nodes);
  const network = createNetwork(options.nodes);
  const dir = await mkdtemp(join(tmpdir(), "gauntlet-kafka-cluster-"));
  const state: KafkaClusterState = {
    kind: "kafka-cluster",
    version,
    clusterId: randomUUID().replace(/-/g, "").slice(0, 22),
    pid: 0,
    dir,
    url: `kafka://${network.nodes.map((n) => `${n.address}:${KAFKA_CLIENT_PORT}`).join(",")}`,
    network,
    nodes: network.nodes.map((n, i) => ({
      id: i + 1,
      name: `kafka-${i + 1}@${n.address}`,
      address: n.address,
      ns: n.ns,
      pid: 0,
      dir: join(dir, `n${i + 1}`),
      url: `kafka://${n.address}:${KAFKA_CLIENT_PORT}`,
      role: "broker,controller",
      proxyPort: proxyPorts[i]!,
    })),
    startMs: 0,
  };
  const watchdog: TiedCleanup | undefined = options.keepRunning ? undefined : runIfThisProcessDies(teardownScript(state));
  const stop = async () => {
    await stopKafkaCluster(state);
    watchdog?.disarm();
  };
  try {
    await Promise.all(state.nodes.map((_, i) => formatNode(state, i)));
    for (let i = 0; i < state.nodes.length; i++) startKafkaClusterNode(state, i);
    const timeout = options.startTimeoutMs ?? 120_000;
    for (let i = 0; i < state.nodes.length; i++) await awaitKafkaClusterNode(state, i, timeout - (Date.now() - started));
    state.startMs = Date.now() - started;
    return { state, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** n free ports on 127.0.0.1, all different. */
async function distinctFreePorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}

async function formatNode(state: KafkaClusterState, i: number): Promise<void> {
  const d = state.nodes[i]!.dir;
  await mkdir(d, { recursive: true });
  await writeFile(join(d, "log4j.properties"), LOG4J_PROPERTIES);
  const props = join(d, "server.properties");
  await writeFile(props, kafkaClusterProperties(state, i, d));
  const args = java({ version: state.version, dir: d }, "kafka.tools.StorageTool", ["format", "-t", state.clusterId, "-c", props, "--ignore-formatted"]);
  const child = spawn("java", args, { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (b: Buffer) => (out += b.toString()));
  child.stderr.on("data", (b: Buffer) => (out += b.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
  if (code !== 0) throw new InfrastructureError(`Kafka storage format of node ${i + 1} failed: ${out.trim().slice(-1500)}`);
}

/** Start (or start again, on its own data) node i inside its namespace; records the new pid. */
export function startKafkaClusterNode(state: KafkaClusterState, i: number): void {
  const node = state.nodes[i]!;
  requireNodeHome({ name: node.name, ns: node.ns, dir: node.dir });
  const logFd = openSync(join(node.dir, "server.log"), "a");
  let child: ChildProcess;
  try {
    // `ip netns exec` execs the JVM: the pid is the JVM's, leader of its own process group.
    child = spawn("ip", ["netns", "exec", node.ns, "java", ...java({ version: state.version, dir: node.dir }, "kafka.Kafka", [join(node.dir, "server.properties")])], {
      detached: true,
      stdio: ["ignore", logFd, logFd],
    });
  } finally {
    closeSync(logFd);
  }
  child.once("error", () => {});
  child.unref();
  node.pid = child.pid ?? 0;
  if (i === 0) state.pid = node.pid;
}

/** Wait until node i answers metadata with every node of the cluster registered, or throw. */
export async function awaitKafkaClusterNode(state: KafkaClusterState, i: number, timeoutMs = 90_000): Promise<void> {
  const node = state.nodes[i]!;
  // waitUntil counts a throwing probe as "not yet": a node that exited is noted and ends the wait.
  let exited = false;
  const ok = await waitUntil(async () => {
    if (!alive(node.pid)) return (exited = true);
    return (await brokersSeenBy(node.address, 1_000)) === state.nodes.length;
  }, Math.max(timeoutMs, 1_000), 500);
  if (exited) throw new InfrastructureError(`Kafka node ${node.name} exited during start${await logTail(node)}`);
  if (!ok) throw new InfrastructureError(`Kafka node ${node.name} did not serve a ${state.nodes.length}-node cluster in time${await logTail(node)}`);
}

/** How many brokers node `address` lists in its metadata (registered, unfenced); 0 when it does not answer. */
export async function brokersSeenBy(address: string, timeoutMs: number): Promise<number> {
  const admin = new Kafka({ brokers: [`${address}:${KAFKA_CLIENT_PORT}`], logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: timeoutMs, requestTimeout: timeoutMs }).admin();
  try {
    await admin.connect();
    return (await admin.describeCluster()).brokers.length;
  } catch {
    return 0;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

async function logTail(node: KafkaClusterNode): Promise<string> {
  const log = await readFile(join(node.dir, "server.log"), "utf8").catch(() => "");
  return log ? `; log tail:\n${log.slice(-1500)}` : "";
}

export function kafkaClusterAlive(state: KafkaClusterState): boolean {
  return state.nodes.some((n) => alive(n.pid));
}

/** Kill every process in the cluster's namespaces, remove them, the links and the data. */
export async function stopKafkaCluster(state: KafkaClusterState): Promise<void> {
  removeNetwork(state.network);
  await rm(state.dir, { recursive: true, force: true });
}

function teardownScript(state: KafkaClusterState): string {
  return [
    ...state.network.nodes.map((n) => `ip netns pids ${n.ns} 2>/dev/null | xargs -r kill -9`),
    ...state.network.nodes.map((n) => `ip netns del ${n.ns} 2>/dev/null`),
    `ip link del ${state.network.bridge} 2>/dev/null`,
    `rm -rf '${state.dir}'`,
  ].join("\n");
}
