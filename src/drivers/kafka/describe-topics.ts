import { Kafka, logLevel } from "kafkajs";
import { InfrastructureError, UsageError } from "../../core/errors.js";
import type { KafkaSettings } from "./settings.js";

/** Where a topic's effective config value comes from. */
export type KafkaConfigSource = "topic" | "broker" | "default";

/** A live topic as the admin API reports it: partitions, replication factor, every config with its value and source. */
export interface DescribedTopic {
  name: string;
  partitions: number;
  replicationFactor: number;
  configs: Record<string, { value: string; source: KafkaConfigSource }>;
}

/** kafkajs' ConfigSource values (its enums are not ESM named exports): 1 topic, 2–4 broker, 5 default. */
const SOURCES: Record<number, KafkaConfigSource> = { 1: "topic", 2: "broker", 3: "broker", 4: "broker" };
/** kafkajs' ConfigResourceTypes.TOPIC. */
const TOPIC_RESOURCE = 2;

/** How long a live read may take before the broker is called unreachable (exit 4). */
const READ_TIMEOUT_MS = 8_000;

/**
 * Read topics' partitions, replication factor and configs (topic-level, inherited from the
 * broker, or Kafka's defaults) through kafkajs' admin API (fetchTopicMetadata, describeConfigs).
 * An unreachable broker is an InfrastructureError (exit 4) within READ_TIMEOUT_MS; an unknown
 * topic a UsageError (exit 3).
 */
export async function describeKafkaTopics(settings: Pick<KafkaSettings, "brokers">, topics: readonly string[], what = "plan import kafka"): Promise<DescribedTopic[]> {
  const admin = new Kafka({ clientId: "gauntlet-import", brokers: settings.brokers, logLevel: logLevel.NOTHING, connectionTimeout: 3_000, requestTimeout: 5_000, retry: { retries: 1, initialRetryTime: 200 } }).admin();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new InfrastructureError(`${what}: ${settings.brokers.join(",")} did not answer within ${READ_TIMEOUT_MS / 1000} s`, "check the address and that the broker is up (npx gauntlet brokers status)")), READ_TIMEOUT_MS);
  });
  try {
    return await Promise.race([read(admin, settings, topics, what), timeout]);
  } finally {
    clearTimeout(timer);
    await admin.disconnect().catch(() => {});
  }
}

async function read(admin: ReturnType<Kafka["admin"]>, settings: Pick<KafkaSettings, "brokers">, topics: readonly string[], what: string): Promise<DescribedTopic[]> {
  try {
    await admin.connect();
  } catch (err) {
    throw new InfrastructureError(`${what}: cannot reach ${settings.brokers.join(",")}: ${(err as Error).message}`, "check the address and that the broker is up (npx gauntlet brokers status)");
  }
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t));
  if (missing.length) throw new UsageError(`--topic: no topic ${missing.map((t) => `"${t}"`).join(", ")} on ${settings.brokers.join(",")}`, `name an existing topic (${[...existing].filter((t) => !t.startsWith("__")).slice(0, 10).join(", ") || "the cluster has none"})`);
  const meta = await admin.fetchTopicMetadata({ topics: [...topics] });
  const described = await admin.describeConfigs({ includeSynonyms: false, resources: topics.map((name) => ({ type: TOPIC_RESOURCE, name })) });
  return topics.map((name) => {
    const m = meta.topics.find((t) => t.name === name)!;
    const entries = described.resources.find((r) => r.resourceName === name)?.configEntries ?? [];
    return {
      name,
      partitions: m.partitions.length,
      replicationFactor: Math.max(...m.partitions.map((p) => p.replicas.length)),
      configs: Object.fromEntries(entries.map((e) => [e.configName, { value: e.configValue, source: SOURCES[e.configSource] ?? "default" }])),
    };
  });
}
