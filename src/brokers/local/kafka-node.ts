import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { openSync, closeSync, existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Kafka, logLevel } from "kafkajs";
import { InfrastructureError } from "../../core/errors.js";
import { freePort, waitUntil } from "./free-port.js";
import { DEFAULT_KAFKA_VERSION, KAFKA_INSTALL, type KafkaVersion, kafkaInstalled, kafkaLibs } from "./kafka-install.js";
import type { ServiceState } from "./service.js";
import { alive } from "./state.js";

export interface KafkaNodeOptions {
  version?: KafkaVersion;
  startTimeoutMs?: number;
  /** Let the node outlive this process (`gauntlet brokers up`). */
  keepRunning?: boolean;
  /** Restart a stopped or killed node on its own data and ports. */
  reuse?: KafkaNodeState;
}

/**
 * A private single-node KRaft broker. Two client listeners: PLAINTEXT (direct) and PROXIED,
 * which advertises `proxyPort` — where toxiproxy listens in front of `proxiedPort` — so that
 * clients that bootstrap through the proxy keep talking through it after the metadata round.
 */
export interface KafkaNodeState extends ServiceState {
  version: KafkaVersion;
  port: number;
  controllerPort: number;
  proxiedPort: number;
  proxyPort: number;
}

export interface StartedKafkaNode {
  state: KafkaNodeState;
  url: string;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

function properties(s: KafkaNodeState): string {
  return [
    "process.roles=broker,controller",
    "node.id=1",
    `controller.quorum.voters=1@127.0.0.1:${s.controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${s.port},PROXIED://127.0.0.1:${s.proxiedPort},CONTROLLER://127.0.0.1:${s.controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${s.port},PROXIED://127.0.0.1:${s.proxyPort}`,
    "controller.listener.names=CONTROLLER",
    "inter.broker.listener.name=PLAINTEXT",
    "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,PROXIED:PLAINTEXT",
    `log.dirs=${join(s.dir, "data")}`,
    "num.partitions=1",
    "offsets.topic.replication.factor=1",
    "offsets.topic.num.partitions=1",
    "transaction.state.log.replication.factor=1",
    "transaction.state.log.min.isr=1",
    "transaction.state.log.num.partitions=1",
    // One node: the first group join should not wait for more members (testcontainers does the same).
    "group.initial.rebalance.delay.ms=0",
    "auto.create.topics.enable=false",
    "",
  ].join("\n");
}

const JAVA_OPTS = ["-Xms256m", "-Xmx512m", "-XX:+UseG1GC", "-Djava.awt.headless=true"];

/**
 * server.log is kept for run reports (broker-logs.ts): warnings, plus the group coordinator at
 * info — joins, rebalances and expired members are what explain a redelivery. 4.x logs through
 * slf4j-simple (system properties), 3.9 through reload4j (a properties file in the node's dir).
 */
const LOGGING = [
  "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
  "-Dorg.slf4j.simpleLogger.showDateTime=true",
  "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSSXXX",
  "-Dorg.slf4j.simpleLogger.log.org.apache.kafka.coordinator.group=info",
  "-Dorg.slf4j.simpleLogger.log.kafka.coordinator.group=info",
];
export const LOG4J_PROPERTIES = [
  "log4j.rootLogger=WARN, stdout",
  "log4j.appender.stdout=org.apache.log4j.ConsoleAppender",
  "log4j.appender.stdout.layout=org.apache.log4j.PatternLayout",
  "log4j.appender.stdout.layout.ConversionPattern=%d{ISO8601} %p %m (%c)%n",
  "log4j.logger.kafka.coordinator.group=INFO",
  "log4j.logger.org.apache.kafka.coordinator.group=INFO",
  "",
].join("\n");

/** The JVM arguments that run `main` of Kafka `version`, logging as configured in `dir`. */
export function java(state: Pick<KafkaNodeState, "version" | "dir">, main: string, args: string[]): string[] {
  return [...JAVA_OPTS, ...LOGGING, `-Dlog4j.configuration=file:${join(state.dir, "log4j.properties")}`, "-cp", `${kafkaLibs(state.version)}/*`, main, ...args];
}

/** Format storage (first start only), start the broker, and wait until it answers metadata requests. */
export async function startKafkaNode(options: KafkaNodeOptions = {}): Promise<StartedKafkaNode> {
  const version = options.reuse?.version ?? options.version ?? DEFAULT_KAFKA_VERSION;
  if (!kafkaInstalled(version)) throw new InfrastructureError(`Kafka ${version} is not installed`, KAFKA_INSTALL);
  const state: KafkaNodeState = options.reuse
    ? { ...options.reuse }
    : {
        pid: 0,
        version,
        dir: await mkdtemp(join(tmpdir(), "gauntlet-kafka-")),
        port: await freePort(),
        controllerPort: await freePort(),
        proxiedPort: await freePort(),
        proxyPort: await freePort(),
        url: "",
      };
  state.url = `kafka://127.0.0.1:${state.port}`;
  state.urls = { proxied: `kafka://127.0.0.1:${state.proxyPort}` };
  const props = join(state.dir, "server.properties");
  await writeFile(join(state.dir, "log4j.properties"), LOG4J_PROPERTIES);
  if (!options.reuse) {
    await writeFile(props, properties(state));
    const format = spawnSync("java", java(state, "kafka.tools.StorageTool", ["format", "-t", randomUUID().replace(/-/g, "").slice(0, 22), "-c", props, "--ignore-formatted"]), {
      encoding: "utf8",
      timeout: 60_000,
    });
    if (format.status !== 0) {
      await rm(state.dir, { recursive: true, force: true });
      throw new InfrastructureError(`Kafka storage format failed: ${(format.stdout + format.stderr).trim().slice(-1500)}`);
    }
  }
  const logFd = openSync(join(state.dir, "server.log"), "a");
  let child: ChildProcess;
  try {
    child = spawn("java", java(state, "kafka.Kafka", [props]), { detached: true, stdio: ["ignore", logFd, logFd] });
  } finally {
    closeSync(logFd);
  }
  state.pid = child.pid ?? 0;
  const stop = () => stopKafkaNode(state);
  const ready = await waitUntil(() => kafkaAnswers(state.port, () => alive(state.pid)), options.startTimeoutMs ?? 90_000, 300);
  if (!ready) {
    const log = await readFile(join(state.dir, "server.log"), "utf8").catch(() => "");
    await stop();
    throw new InfrastructureError(`Kafka on port ${state.port} did not become ready in time${log ? `; log tail:\n${log.slice(-1500)}` : ""}`);
  }
  if (options.keepRunning) child.unref();
  return { state, url: state.url, stop, [Symbol.asyncDispose]: stop };
}

/** One metadata round trip through kafkajs; false (not an exception) while the broker boots. */
async function kafkaAnswers(port: number, stillAlive: () => boolean): Promise<boolean> {
  if (!stillAlive()) throw new InfrastructureError("the Kafka process exited during start (see server.log in its directory)");
  const admin = new Kafka({ brokers: [`127.0.0.1:${port}`], logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 1_000 }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.controller !== null && cluster.brokers.length > 0;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/** SIGTERM (controlled shutdown), SIGKILL after 15 s, then remove the directory. */
export async function stopKafkaNode(state: KafkaNodeState, options: { keepData?: boolean } = {}): Promise<void> {
  await signalNode(state, "SIGTERM");
  if (!(await waitUntil(async () => !alive(state.pid), 15_000, 100))) await signalNode(state, "SIGKILL");
  await waitUntil(async () => !alive(state.pid), 5_000, 50);
  if (!options.keepData && existsSync(state.dir)) await rm(state.dir, { recursive: true, force: true });
}

/** Signal the node's process group (the JVM is its leader). */
export async function signalNode(state: Pick<KafkaNodeState, "pid">, signal: NodeJS.Signals): Promise<void> {
  if (!state.pid) return;
  try {
    process.kill(-state.pid, signal);
  } catch {
    // already gone
  }
}
