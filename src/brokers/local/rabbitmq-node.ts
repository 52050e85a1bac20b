import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "amqplib";
import { InfrastructureError } from "../../core/errors.js";
import { freePort, waitUntil } from "./free-port.js";

const RABBIT_BIN = "/usr/lib/rabbitmq/bin";
export const RABBITMQ_INSTALL = "apt-get install -y rabbitmq-server";

export interface RabbitMqNodeOptions {
  /** Channel is closed when a delivery stays unacknowledged this long (the "lock"). */
  consumerTimeoutMs?: number;
  startTimeoutMs?: number;
  /** Let the node outlive this process (`gauntlet brokers up`); stop it later with stopRabbitMqNode. */
  keepRunning?: boolean;
  /** Start a stopped or killed node again on its own directory, ports and data. */
  reuse?: RabbitMqNodeState;
  /** Run the management plugin on a free loopback port (default true): plans read back queue settings through it. */
  management?: boolean;
}

/** What it takes to stop a node later, from another process. */
export interface RabbitMqNodeState {
  pid: number;
  dir: string;
  url: string;
  port: number;
  epmdPort: number;
  distPort: number;
  /** The management plugin's HTTP port (absent: started without it, or by an older Gauntlet). */
  managementPort?: number;
  /** Other URLs: `management` (http://127.0.0.1:port, the management API). */
  urls?: Record<string, string>;
}

/** A private RabbitMQ node Gauntlet started: its own ports, data and logs; never the system node. */
export interface StartedRabbitMqNode {
  url: string;
  port: number;
  dir: string;
  /** The management API (http://127.0.0.1:port), when the node runs the plugin. */
  managementUrl?: string;
  state: RabbitMqNodeState;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Is Debian's rabbitmq-server installed? */
export function rabbitMqInstalled(): boolean {
  return existsSync(join(RABBIT_BIN, "rabbitmq-server"));
}

/**
 * Start a private node from Debian's rabbitmq-server on free loopback ports (AMQP, Erlang
 * distribution, epmd), wait until an AMQP client connects, and return a handle whose stop()
 * ends the node and its epmd and removes its directory. A failed start cleans up the same way.
 */
export async function startRabbitMqNode(options: RabbitMqNodeOptions = {}): Promise<StartedRabbitMqNode> {
  if (!rabbitMqInstalled()) {
    throw new InfrastructureError("RabbitMQ is not installed (no /usr/lib/rabbitmq/bin/rabbitmq-server)", RABBITMQ_INSTALL);
  }
  const reuse = options.reuse;
  const dir = reuse?.dir ?? (await mkdtemp(join(tmpdir(), "gauntlet-rabbitmq-")));
  const [port, distPort, epmdPort] = reuse ? [reuse.port, reuse.distPort, reuse.epmdPort] : [await freePort(), await freePort(), await freePort()];
  const managementPort = reuse ? reuse.managementPort : options.management === false ? undefined : await freePort();
  const env = {
    ...process.env,
    HOME: dir,
    ERL_EPMD_PORT: String(epmdPort),
    RABBITMQ_NODENAME: `gauntlet${port}@localhost`,
    RABBITMQ_NODE_IP_ADDRESS: "127.0.0.1",
    RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_MNESIA_BASE: join(dir, "mnesia"),
    RABBITMQ_LOG_BASE: join(dir, "log"),
    RABBITMQ_CONFIG_FILE: join(dir, "rabbitmq.conf"),
    RABBITMQ_ADVANCED_CONFIG_FILE: join(dir, "advanced.config"),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, "enabled_plugins"),
    RABBITMQ_PID_FILE: join(dir, "node.pid"),
    RABBITMQ_CONF_ENV_FILE: join(dir, "env.conf"),
    // A node that cannot start writes its crash dump here, not into the caller's working directory.
    ERL_CRASH_DUMP: join(dir, "erl_crash.dump"),
  };
  if (!reuse) await writeConfig(dir, port, managementPort, options);
  const child = spawn(join(RABBIT_BIN, "rabbitmq-server"), [], { cwd: dir, env, detached: true, stdio: "ignore" });
  const url = `amqp://guest:guest@127.0.0.1:${port}`;
  const managementUrl = managementPort === undefined ? undefined : `http://127.0.0.1:${managementPort}`;
  const state: RabbitMqNodeState = { pid: child.pid ?? 0, dir, url, port, epmdPort, distPort, ...(managementUrl ? { managementPort, urls: { management: managementUrl } } : {}) };
  const stop = () => stopRabbitMqNode(state);
  const ready = await waitUntil(async () => {
    const conn = await connect(url);
    await conn.close();
    return true;
  }, options.startTimeoutMs ?? 90_000);
  if (!ready) {
    const log = await readFile(join(dir, "log", `gauntlet${port}@localhost.log`), "utf8").catch(() => "");
    await stop();
    throw new InfrastructureError(`RabbitMQ node on port ${port} did not accept connections in time${log ? `; log tail:\n${log.slice(-1500)}` : ""}`);
  }
  if (options.keepRunning) child.unref();
  return { url, port, dir, ...(managementUrl ? { managementUrl } : {}), state, stop, [Symbol.asyncDispose]: stop };
}

async function writeConfig(dir: string, port: number, managementPort: number | undefined, options: RabbitMqNodeOptions): Promise<void> {
  await writeFile(join(dir, "env.conf"), "");
  // The management plugin (Debian's package ships it) answers plans' read-back of queue settings.
  await writeFile(join(dir, "enabled_plugins"), managementPort === undefined ? "[].\n" : "[rabbitmq_management].\n");
  const management = managementPort === undefined ? [] : ["management.tcp.ip = 127.0.0.1", `management.tcp.port = ${managementPort}`];
  await writeFile(
    join(dir, "rabbitmq.conf"),
    [`listeners.tcp.default = 127.0.0.1:${port}`, ...management, "loopback_users = none", `consumer_timeout = ${options.consumerTimeoutMs ?? 5000}`, "log.console = false", "log.file.level = info"].join("\n") + "\n",
  );
  // The consumer timeout is only checked on the channel tick (60 s by default).
  await writeFile(join(dir, "advanced.config"), "[{rabbit, [{channel_tick_interval, 500}]}].\n");
}

/** Stop a private node (from this process or a later one) and its epmd, and remove its directory. */
export async function stopRabbitMqNode(state: RabbitMqNodeState, options: { keepData?: boolean } = {}): Promise<void> {
  const env = { ...process.env, HOME: state.dir, ERL_EPMD_PORT: String(state.epmdPort), RABBITMQ_NODENAME: `gauntlet${state.port}@localhost` };
  const ctl = spawnSync(join(RABBIT_BIN, "rabbitmqctl"), ["stop", join(state.dir, "node.pid")], { env, timeout: 30_000, stdio: "ignore" });
  if (ctl.status !== 0 && state.pid) {
    try {
      process.kill(-state.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  // The private epmd outlives the node; end it too.
  if (options.keepData) return; // a restart reuses the node's epmd and data
  spawnSync("epmd", ["-port", String(state.epmdPort), "-kill"], { env, timeout: 5_000, stdio: "ignore" });
  await rm(state.dir, { recursive: true, force: true });
}
