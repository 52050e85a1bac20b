/**
 * The Kafka part of a plan: topics with partitions, replication factor and topic configs, plus
 * the producer and consumer client settings, under Kafka's own names (docs/plans.md).
 */
import { z } from "zod";

const name = z.string().min(1);

/** Topic configs a plan models (Kafka's names); any other is an unknown setting (exit 3). */
export const kafkaTopicConfigs = z.strictObject({
  "min.insync.replicas": z.number().int().min(1).optional().describe("replicas that must have a write before acks=all acknowledges it"),
  "unclean.leader.election.enable": z.boolean().optional().describe("an out-of-sync replica may become leader (losing acknowledged writes)"),
  "retention.ms": z.number().int().min(-1).optional(),
  "retention.bytes": z.number().int().min(-1).optional(),
  "cleanup.policy": z.enum(["delete", "compact", "compact,delete", "delete,compact"]).optional(),
  "max.message.bytes": z.number().int().min(0).optional(),
});
export type KafkaTopicConfigs = z.infer<typeof kafkaTopicConfigs>;

export const kafkaTopic = z.strictObject({
  kind: z.literal("topic").describe("a Kafka topic, read by one consumer group"),
  name,
  settings: z
    .strictObject({
      partitions: z.number().int().min(1).max(1024).optional().describe("default 3"),
      replicationFactor: z.number().int().min(1).max(16).optional().describe("default 1"),
      configs: kafkaTopicConfigs.default({}),
    })
    .default({ configs: {} }),
});

/** Producer settings (Kafka's names). */
export const kafkaProducer = z.strictObject({
  acks: z.enum(["all", "-1", "1", "0"]).optional().describe("default all"),
  "enable.idempotence": z.boolean().optional().describe("default: true with acks=all, else false (as the Java client)"),
  retries: z.number().int().min(0).max(100).optional().describe("default 5"),
  "max.in.flight.requests.per.connection": z.number().int().min(1).max(100).optional(),
});

/** Consumer settings (Kafka's names). */
export const kafkaConsumer = z.strictObject({
  "isolation.level": z.enum(["read_committed", "read_uncommitted"]).optional(),
  "session.timeout.ms": z.number().int().min(1_000).max(300_000).optional(),
  "enable.auto.commit": z.boolean().optional().describe("Gauntlet commits after processing; true is named as not honoured"),
});
export type KafkaProducerSettings = z.infer<typeof kafkaProducer>;
export type KafkaConsumerSettings = z.infer<typeof kafkaConsumer>;
