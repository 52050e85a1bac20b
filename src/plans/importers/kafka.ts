import type { PlanInput } from "../schema.js";

type NotHonoured = NonNullable<PlanInput["notHonoured"]>[number];

/** A live topic as read through the admin API (drivers/kafka/describe-topics.ts gives this shape). */
export interface KafkaTopicDescription {
  name: string;
  partitions: number;
  replicationFactor: number;
  configs: Record<string, { value: string; source: "topic" | "broker" | "default" }>;
}

/** Topic configs a plan models, and how each value is read. */
const MODELLED: Record<string, (v: string) => unknown> = {
  "min.insync.replicas": Number,
  "unclean.leader.election.enable": (v) => v === "true",
  "retention.ms": Number,
  "retention.bytes": Number,
  "cleanup.policy": String,
  "max.message.bytes": Number,
};
/** Always carried over: the claims depend on them, whatever their source. */
const ALWAYS = new Set(["min.insync.replicas", "unclean.leader.election.enable"]);

/**
 * A plan from live Kafka topics: partitions, replication factor and the topic configs a plan
 * models (those set on the topic or the broker, and always min.insync.replicas and unclean
 * leader election). Other configs set on the topic or the broker are named in `notHonoured`.
 * Producer and consumer settings are the application's, not the broker's: the plan gets Kafka's
 * client defaults (acks=all, idempotence), to be edited to match the application.
 */
export function kafkaPlanFromTopics(topics: readonly KafkaTopicDescription[], broker: string): PlanInput {
  const notHonoured: NotHonoured[] = [];
  const entities = topics.map((t, i) => {
    const configs: Record<string, unknown> = {};
    for (const [name, { value, source }] of Object.entries(t.configs)) {
      const read = MODELLED[name];
      if (read && (ALWAYS.has(name) || source !== "default")) configs[name] = read(value);
      else if (!read && source !== "default") notHonoured.push({ path: `topics[${i}].configs["${name}"]`, setting: `${name}=${value} (${source === "topic" ? `set on topic ${t.name}` : "set on the broker"})`, reason: "Gauntlet does not model this topic config: the topics it creates do not carry it" });
    }
    return { kind: "topic" as const, name: t.name, settings: { partitions: t.partitions, replicationFactor: t.replicationFactor, configs } };
  });
  return {
    gauntlet: "plan",
    version: 1,
    name: `imported from ${broker} (${topics.map((t) => t.name).join(", ")})`,
    family: "kafka",
    broker,
    entities,
    producer: { acks: "all", "enable.idempotence": true },
    ...(notHonoured.length ? { notHonoured } : {}),
  } as PlanInput;
}
