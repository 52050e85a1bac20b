import { UsageError } from "../../core/errors.js";

/** The client library the driver speaks Kafka through. */
export const KAFKA_CLIENTS = ["kafkajs", "platformatic"] as const;
export type KafkaClientName = (typeof KAFKA_CLIENTS)[number];

/** Options read from a kafka:// URL: `kafka://host:port[,host:port]?idempotent=true&acks=all&partitions=3&client=kafkajs`. */
export interface KafkaSettings {
  brokers: string[];
  /** kafkajs (default) or @platformatic/kafka: same mapping, different client library. */
  client: KafkaClientName;
  /** Idempotent producer: sequence numbers let the broker drop its retries' duplicates. */
  idempotent: boolean;
  /** -1 (all in-sync replicas), 1 (leader) or 0 (no ack: the send cannot be confirmed). */
  acks: -1 | 0 | 1;
  /** Partitions per topic Gauntlet creates; keys map to partitions with the Java-compatible murmur2 partitioner (both clients). */
  partitions: number;
  /** Producer retries inside the client (default 5). */
  retries: number;
  /** Replicas of each topic Gauntlet creates (default 1; on a local cluster, its node count up to 3). */
  replicationFactor?: number;
  /** Topic config min.insync.replicas (unset: the broker's default, 1). */
  minInsyncReplicas?: number;
  /** Topic config unclean.leader.election.enable (unset: the broker's default, false). */
  uncleanLeaderElection?: boolean;
  /** Producer max.in.flight.requests.per.connection (unset: the client's default; an idempotent producer keeps 1). */
  maxInFlight?: number;
  /** acks=0: count a send the client reported written as sent (a plan's no-loss claim judges what the application relied on). */
  acks0Sent?: boolean;
  /** Consumer isolation.level (unset: kafkajs' read_committed). */
  isolationLevel?: "read_committed" | "read_uncommitted";
  /** Consumer session.timeout.ms (unset: 6000). */
  sessionTimeoutMs?: number;
  /** Producers bootstrap here instead (a listener behind toxiproxy, for producer-side faults). */
  producerBrokers?: string[];
}

const PARAMS = ["idempotent", "acks", "partitions", "retries", "client", "replication-factor", "min-insync-replicas", "unclean-leader-election", "max-in-flight", "acks0-sent", "isolation-level", "session-timeout-ms"];
const ISOLATION = ["read_committed", "read_uncommitted"] as const;

export function parseKafkaUrl(url: URL): KafkaSettings {
  for (const name of url.searchParams.keys()) {
    if (!PARAMS.includes(name)) throw new UsageError(`--broker: unknown kafka:// option "${name}"`, `expected ${PARAMS.join(", ")}`);
  }
  if (url.username || url.password) throw new UsageError("--broker: kafka:// with credentials (SASL) is not supported yet", "use a PLAINTEXT listener, e.g. kafka://127.0.0.1:9092");
  // a host list arrives as host `a:9092` and path `/,b:9092,c:9092` (environments/url.ts)
  const hosts = decodeURIComponent(url.host + (url.pathname === "/" ? "" : url.pathname.replace(/^\/(?=,)/, ""))).split(",").filter(Boolean);
  if (hosts.length === 0 || hosts.some((h) => !/^[^:]+:\d+$/.test(h))) {
    throw new UsageError(`--broker: kafka:// needs host:port, got "${hosts.join(",")}"`, "e.g. kafka://127.0.0.1:9092 (npx gauntlet brokers status lists the local one)");
  }
  const flag = (name: string, fallback: boolean): boolean => {
    const v = url.searchParams.get(name);
    if (v === null) return fallback;
    if (v === "true" || v === "false") return v === "true";
    throw new UsageError(`--broker: ${name}="${v}" must be true or false`, `e.g. kafka://127.0.0.1:9092?${name}=false`);
  };
  const clientText = url.searchParams.get("client") ?? "kafkajs";
  if (!(KAFKA_CLIENTS as readonly string[]).includes(clientText)) {
    throw new UsageError(`--broker: client="${clientText}" must be ${KAFKA_CLIENTS.join(" or ")}`, "e.g. kafka://127.0.0.1:9092?client=platformatic");
  }
  const acksText = url.searchParams.get("acks") ?? "all";
  const acks = ({ all: -1, "-1": -1, "1": 1, "0": 0 } as const)[acksText as "all"];
  if (acks === undefined) throw new UsageError(`--broker: acks="${acksText}" must be all, 1 or 0`, "e.g. kafka://127.0.0.1:9092?acks=all");
  const idempotent = flag("idempotent", true);
  if (idempotent && acks !== -1) throw new UsageError("--broker: an idempotent producer needs acks=all", "drop acks= or set idempotent=false");
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const text = url.searchParams.get(name);
    const n = text === null ? fallback : Number(text);
    if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--broker: ${name}="${text}" must be an integer from ${min} to ${max}`, `e.g. kafka://127.0.0.1:9092?${name}=${fallback}`);
    return n;
  };
  const optional = <T>(name: string, read: () => T): { [k: string]: T } => (url.searchParams.has(name) ? { [camel(name)]: read() } : {});
  const kafkajsOnly = ["max-in-flight", "acks0-sent", "isolation-level", "session-timeout-ms"].filter((n) => url.searchParams.has(n));
  if (clientText === "platformatic" && kafkajsOnly.length) throw new UsageError(`--broker: ${kafkajsOnly.join(", ")} ${kafkajsOnly.length === 1 ? "is" : "are"} not supported with client=platformatic yet`, "drop client=platformatic (kafkajs honours them)");
  return {
    brokers: hosts,
    client: clientText as KafkaClientName,
    idempotent,
    acks,
    partitions: int("partitions", 3, 1, 64),
    retries: int("retries", 5, 0, 100),
    ...optional("replication-factor", () => int("replication-factor", 1, 1, 7)),
    ...optional("min-insync-replicas", () => int("min-insync-replicas", 1, 1, 7)),
    ...optional("unclean-leader-election", () => flag("unclean-leader-election", false)),
    ...optional("max-in-flight", () => int("max-in-flight", 1, 1, 100)),
    ...(flag("acks0-sent", false) ? { acks0Sent: true } : {}),
    ...optional("isolation-level", () => isolation(url.searchParams.get("isolation-level")!)),
    ...optional("session-timeout-ms", () => int("session-timeout-ms", 6_000, 1_000, 300_000)),
  };
}

function isolation(v: string): KafkaSettings["isolationLevel"] {
  if (!(ISOLATION as readonly string[]).includes(v)) throw new UsageError(`--broker: isolation-level="${v}" must be ${ISOLATION.join(" or ")}`, "e.g. kafka://127.0.0.1:9092?isolation-level=read_committed");
  return v as KafkaSettings["isolationLevel"];
}

const camel = (name: string) => name.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());

/** The topic configs the URL asks for, as Kafka names them. */
export function topicConfigs(settings: KafkaSettings): { name: string; value: string }[] {
  return [
    ...(settings.minInsyncReplicas !== undefined ? [{ name: "min.insync.replicas", value: String(settings.minInsyncReplicas) }] : []),
    ...(settings.uncleanLeaderElection !== undefined ? [{ name: "unclean.leader.election.enable", value: String(settings.uncleanLeaderElection) }] : []),
  ];
}
