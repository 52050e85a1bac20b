import { Producer, compatibilityPartitioner, stringSerializer } from "@platformatic/kafka";
import type { ClientOptions, RecordSender } from "../client.js";
import { storedPositions } from "../positions.js";
import type { KafkaSettings } from "../settings.js";
import { baseOptions } from "./options.js";

/**
 * A @platformatic/kafka producer. `idempotent` maps to its idempotent producer, which (like
 * kafkajs') keeps one request in flight and requires acks=all. Quirk: with idempotent=true it
 * raises retries of 0 or 1 to "forever" (Number.MAX_SAFE_INTEGER); any other value is kept.
 * No topic is created by a send (`autocreateTopics: false`, as kafkajs' allowAutoTopicCreation).
 */
export async function openPlatformaticSender(settings: KafkaSettings, options: ClientOptions = {}, partitionsOf: (topic: string) => number = () => settings.partitions): Promise<RecordSender> {
  const { idempotent, acks, retries } = settings;
  const producer = new Producer<string, Buffer, string, string>({
    ...baseOptions(settings.producerBrokers ?? settings.brokers, retries, options),
    idempotent,
    acks,
    autocreateTopics: false,
    serializers: { key: stringSerializer, headerKey: stringSerializer, headerValue: stringSerializer },
  });
  producer.on("error", () => {});
  // Partitions are chosen here (as kafkajs would), so each record's offset can be read off the
  // per-partition base offsets of the answer.
  const partitionOf = javaCompatiblePartitioner();
  return {
    send: async (topic, records) => {
      const messages = records.map((r) => {
        const m = { topic, value: r.value, headers: r.headers, ...(r.key !== null ? { key: r.key } : {}) };
        return { ...m, partition: partitionOf(r.key) % partitionsOf(topic) };
      });
      const answer = await producer.send({ acks, messages });
      return storedPositions(messages.map((m) => m.partition), new Map((answer.offsets ?? []).filter((o) => o.topic === topic).map((o) => [o.partition, o.offset])));
    },
    close: async () => {
      await producer.close(true).catch(() => {});
    },
  };
}

/**
 * Partition of a record, chosen before the send. platformatic's default partitioner takes `murmur2(key) >>> 0`, not Java's (and kafkajs')
 * `murmur2(key) & 0x7fffffff`, so a key would land on another partition than with kafkajs. Use
 * its compatibility partitioner for keyed records; it sends keyless ones all to partition 0, so
 * those go round-robin as with the default.
 */
function javaCompatiblePartitioner(): (key: string | null) => number {
  let next = 0;
  // The key as stringSerializer puts it on the wire (UTF-8), which is what the partitioner hashes.
  return (key) => (key !== null ? compatibilityPartitioner(undefined as never, Buffer.from(key, "utf8")) : next++);
}
