import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile, chmod, mkdir } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "amqplib";
import { InfrastructureError, UsageError } from "../../core/errors.js";
import { waitUntil } from "./free-port.js";
import { type NetnsNetwork, createNetwork, removeNetwork, requireNodeHome } from "./netns.js";
import { RABBITMQ_INSTALL, rabbitMqInstalled } from "./rabbitmq-node.js";
import { managementApi } from "./rabbitmq-management.js";
import { type ClusterState, PARTITION_HANDLING, type PartitionHandling } from "./cluster-service.js";
import { alive } from "./state.js";
import { type TiedCleanup, runIfThisProcessDies } from "./tied-process.js";

const RABBIT_BIN = "/usr/lib/rabbitmq/bin";
export { PARTITION_HANDLING, type PartitionHandling } from "./cluster-service.js";

export interface RabbitMqClusterOptions {
  nodes: number;
  /** RabbitMQ's cluster_partition_handling (default pause_minority, RabbitMQ's recommendation). */
  partitionHandling?: PartitionHandling;
  /** Erlang net_ticktime, s: a partition is noticed within ~1.25x this (default 5; RabbitMQ's is 60). */
  netTicktimeS?: number;
  /** Mirror every classic queue on all nodes by policy (ha-mode: all, ha-sync-mode: automatic). */
  mirrored?: boolean;
  startTimeoutMs?: number;
  /** Outlive this process (`gauntlet brokers up`); otherwise a watchdog removes the cluster if we die. */
  keepRunning?: boolean;
}

/** One member: its Erlang node name, address in the cluster's subnet, namespace and process. */
export interface RabbitMqClusterNode {
  name: string;
  address: string;
  ns: string;
  pid: number;
  dir: string;
  url: string;
  managementUrl: string;
  role: "member";
}

/** What `gauntlet brokers up rabbitmq --nodes N` records: enough for any later process to act on it. */
export interface RabbitMqClusterState extends ClusterState {
  kind: "rabbitmq-cluster";
  network: NetnsNetwork;
  nodes: RabbitMqClusterNode[];
  partitionHandling: PartitionHandling;
  netTicktimeS: number;
  mirrored: boolean;
  /** Wall time from the first ip command to every node accepting AMQP, ms. */
  startMs: number;
}

export interface StartedRabbitMqCluster {
  state: RabbitMqClusterState;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Check --nodes and --partition-handling, naming the fix. */
export function checkClusterOptions(options: RabbitMqClusterOptions): void {
  if (!Number.isInteger(options.nodes) || options.nodes < 1 || options.nodes > 7) throw new UsageError(`--nodes ${options.nodes}: expected 1 to 7`, "e.g. --nodes 3");
  if (options.partitionHandling && !PARTITION_HANDLING.includes(options.partitionHandling)) {
    throw new UsageError(`--partition-handling "${options.partitionHandling}"`, `expected one of ${PARTITION_HANDLING.join(", ")}`);
  }
}

/**
 * Start N RabbitMQ nodes, each in its own network namespace (see netns.ts) with its own data and
 * logs, clustered at boot by classic peer discovery, management on every node. A failed start
 * removes everything it made.
 */
export async function startRabbitMqCluster(options: RabbitMqClusterOptions): Promise<StartedRabbitMqCluster> {
  checkClusterOptions(options);
  if (!rabbitMqInstalled()) throw new InfrastructureError("RabbitMQ is not installed (no /usr/lib/rabbitmq/bin/rabbitmq-server)", RABBITMQ_INSTALL);
  const started = Date.now();
  const network = createNetwork(options.nodes);
  const dir = await mkdtemp(join(tmpdir(), "gauntlet-rabbitmq-cluster-"));
  const names = network.nodes.map((n) => `rabbit@${n.address}`);
  const state: RabbitMqClusterState = {
    kind: "rabbitmq-cluster",
    pid: 0,
    dir,
    url: `amqp://guest:guest@${network.nodes[0]!.address}:5672`,
    network,
    nodes: network.nodes.map((n, i) => ({
      name: names[i]!,
      address: n.address,
      ns: n.ns,
      pid: 0,
      dir: join(dir, `n${i + 1}`),
      url: `amqp://guest:guest@${n.address}:5672`,
      managementUrl: `http://${n.address}:15672`,
      role: "member",
    })),
    partitionHandling: options.partitionHandling ?? "pause_minority",
    netTicktimeS: options.netTicktimeS ?? 5,
    mirrored: options.mirrored ?? false,
    startMs: 0,
  };
  const watchdog: TiedCleanup | undefined = options.keepRunning ? undefined : runIfThisProcessDies(teardownScript(state));
  const stop = async () => {
    await stopRabbitMqCluster(state);
    watchdog?.disarm();
  };
  try {
    const cookie = randomBytes(16).toString("hex");
    for (const node of state.nodes) await writeNodeConfig(node, state, names, cookie);
    for (let i = 0; i < state.nodes.length; i++) startClusterNode(state, i);
    state.pid = state.nodes[0]!.pid;
    const timeout = options.startTimeoutMs ?? 120_000;
    for (const node of state.nodes) {
      const ready = await waitUntil(async () => {
        const conn = await connect(node.url);
        await conn.close();
        return true;
      }, timeout - (Date.now() - started));
      if (!ready) throw new InfrastructureError(`RabbitMQ node ${node.name} did not accept connections in time${await logTail(node)}`);
    }
    const api = managementApi(state.nodes[0]!.managementUrl);
    const clustered = await waitUntil(async () => (await api.runningNodes()).length === state.nodes.length, 30_000, 500);
    if (!clustered) throw new InfrastructureError(`the ${state.nodes.length} RabbitMQ nodes did not form one cluster${await logTail(state.nodes[0]!)}`);
    if (state.mirrored) await api.setPolicy("gauntlet-ha-all", { pattern: ".*", "apply-to": "queues", definition: { "ha-mode": "all", "ha-sync-mode": "automatic" } });
    state.startMs = Date.now() - started;
    return { state, stop, [Symbol.asyncDispose]: stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function writeNodeConfig(node: RabbitMqClusterNode, state: RabbitMqClusterState, names: string[], cookie: string): Promise<void> {
  await mkdir(node.dir, { recursive: true });
  await writeFile(join(node.dir, ".erlang.cookie"), cookie);
  await chmod(join(node.dir, ".erlang.cookie"), 0o400);
  await writeFile(join(node.dir, "env.conf"), "");
  await writeFile(join(node.dir, "enabled_plugins"), "[rabbitmq_management].\n");
  const conf = [
    `listeners.tcp.default = ${node.address}:5672`,
    `management.tcp.ip = ${node.address}`,
    "management.tcp.port = 15672",
    // Queue leaders in the management API are refreshed on this interval (default 5 s): the nemesis reads them.
    "collect_statistics_interval = 1000",
    "loopback_users = none",
    "log.console = false",
    "log.file.level = info",
    `cluster_partition_handling = ${state.partitionHandling}`,
    "cluster_formation.peer_discovery_backend = classic_config",
    ...names.map((n, i) => `cluster_formation.classic_config.nodes.${i + 1} = ${n}`),
  ];
  await writeFile(join(node.dir, "rabbitmq.conf"), `${conf.join("\n")}\n`);
  await writeFile(join(node.dir, "advanced.config"), `[{kernel, [{net_ticktime, ${state.netTicktimeS}}]}].\n`);
}

/** Start (or start again, on its own data) node i inside its namespace; records the new pid. */
export function startClusterNode(state: RabbitMqClusterState, i: number): void {
  const node = state.nodes[i]!;
  const d = node.dir;
  const env = {
    PATH: process.env.PATH ?? "/usr/sbin:/usr/bin:/sbin:/bin",
    HOME: d,
    LANG: "C.UTF-8",
    RABBITMQ_USE_LONGNAME: "true",
    RABBITMQ_NODENAME: node.name,
    RABBITMQ_MNESIA_BASE: join(d, "mnesia"),
    RABBITMQ_LOG_BASE: join(d, "log"),
    RABBITMQ_CONFIG_FILE: join(d, "rabbitmq.conf"),
    RABBITMQ_ADVANCED_CONFIG_FILE: join(d, "advanced.config"),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(d, "enabled_plugins"),
    RABBITMQ_PID_FILE: join(d, "node.pid"),
    RABBITMQ_CONF_ENV_FILE: join(d, "env.conf"),
    // A node that cannot start writes its crash dump here, not into the caller's working directory.
    ERL_CRASH_DUMP: join(d, "erl_crash.dump"),
  };
  // Its own process group (detached): kill -9 / SIGSTOP of -pid reach the shell and beam.smp.
  requireNodeHome(node);
  const child = spawn("ip", ["netns", "exec", node.ns, join(RABBIT_BIN, "rabbitmq-server")], { cwd: d, env, detached: true, stdio: "ignore" });
  // A spawn that fails (ENOENT) leaves pid 0: awaitClusterNode reports it; it must not crash the run.
  child.once("error", () => {});
  child.unref();
  node.pid = child.pid ?? 0;
  if (i === 0) state.pid = node.pid;
}

/** Wait until node i accepts AMQP connections again (after a restart), or throw. */
export async function awaitClusterNode(state: RabbitMqClusterState, i: number, timeoutMs = 90_000): Promise<void> {
  const node = state.nodes[i]!;
  // Its namespace gone (the cluster was taken down elsewhere): connecting can only hang, stop now.
  let gone: unknown;
  const ok = await waitUntil(async () => {
    try {
      requireNodeHome(node);
    } catch (e) {
      gone = e;
      return true;
    }
    const conn = await connect(node.url);
    await conn.close();
    return true;
  }, timeoutMs);
  if (gone) throw gone;
  if (!ok) throw new InfrastructureError(`RabbitMQ node ${node.name} did not come back in time${await logTail(node)}`);
}

async function logTail(node: RabbitMqClusterNode): Promise<string> {
  const log = await readFile(join(node.dir, "log", `${node.name}.log`), "utf8").catch(() => "");
  return log ? `; log tail:\n${log.slice(-1500)}` : "";
}

/** Is any node of the cluster still running? */
export function clusterAlive(state: RabbitMqClusterState): boolean {
  return state.nodes.some((n) => alive(n.pid));
}

/** Kill every process in the cluster's namespaces, remove them, the links and the data. */
export async function stopRabbitMqCluster(state: RabbitMqClusterState): Promise<void> {
  removeNetwork(state.network);
  await rm(state.dir, { recursive: true, force: true });
}

/** Shell that removes the cluster: what the watchdog runs if the process that owns it dies. */
function teardownScript(state: RabbitMqClusterState): string {
  return [
    ...state.network.nodes.map((n) => `ip netns pids ${n.ns} 2>/dev/null | xargs -r kill -9`),
    ...state.network.nodes.map((n) => `ip netns del ${n.ns} 2>/dev/null`),
    `ip link del ${state.network.bridge} 2>/dev/null`,
    `rm -rf '${state.dir}'`,
  ].join("\n");
}
