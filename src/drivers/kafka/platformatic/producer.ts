import { type Partitioner, Producer, compatibilityPartitioner, stringSerializer } from "@platformatic/kafka";
import type { ClientOptions, RecordSender } from "../client.js";
import type { KafkaSettings } from "../settings.js";
import { baseOptions } from "./options.js";

/**
 * A @platformatic/kafka producer. `idempotent` maps to its idempotent producer, which (like
 * kafkajs') keeps one request in flight and requires acks=all. Quirk: with idempotent=true it
 * raises retries of 0 or 1 to "forever" (Number.MAX_SAFE_INTEGER); any other value is kept.
 * No topic is created by a send (`autocreateTopics: false`, as kafkajs' allowAutoTopicCreation).
 */
export async function openPlatformaticSender(settings: KafkaSettings, options: ClientOptions = {}): Promise<RecordSender> {
  const { idempotent, acks, retries } = settings;
  const producer = new Producer<string, Buffer, string, string>({
    ...baseOptions(settings.producerBrokers ?? settings.brokers, retries, options),
    idempotent,
    acks,
    autocreateTopics: false,
    partitioner: javaCompatiblePartitioner(),
    serializers: { key: stringSerializer, headerKey: stringSerializer, headerValue: stringSerializer },
  });
  producer.on("error", () => {});
  return {
    send: async (topic, records) => {
      await producer.send({
        acks,
        messages: records.map((r) => ({ topic, value: r.value, headers: r.headers, ...(r.key !== null ? { key: r.key } : {}) })),
      });
    },
    close: async () => {
      await producer.close(true).catch(() => {});
    },
  };
}

/**
 * platformatic's default partitioner takes `murmur2(key) >>> 0`, not Java's (and kafkajs')
 * `murmur2(key) & 0x7fffffff`, so a key would land on another partition than with kafkajs. Use
 * its compatibility partitioner for keyed records; it sends keyless ones all to partition 0, so
 * those go round-robin as with the default.
 */
function javaCompatiblePartitioner(): Partitioner<string, Buffer, string, string> {
  let next = 0;
  return (message, key) => (key ? compatibilityPartitioner(message, key) : next++);
}
