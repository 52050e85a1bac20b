import { type Admin, Kafka, Partitioners, logLevel } from "kafkajs";
import type { DriverEvent } from "../../core/driver.js";
import type { ClientOptions, KafkaClient, PartitionEnds, RecordSender, TopicOptions } from "./client.js";
import { KafkaConsumer } from "./consumer.js";
import { storedPositions } from "./positions.js";
import { type KafkaSettings, topicConfigs } from "./settings.js";

/** The kafka:// driver's default client library: kafkajs. */
export async function connectKafkaJs(settings: KafkaSettings, options: ClientOptions = {}): Promise<KafkaClient> {
  const client = (brokers: string[]) =>
    new Kafka({
      clientId: "gauntlet",
      brokers,
      logLevel: logLevel.NOTHING,
      connectionTimeout: options.connectionTimeoutMs ?? 3_000,
      retry: { retries: settings.retries, initialRetryTime: 100, maxRetryTime: 2_000 },
    });
  const kafka = client(settings.brokers);
  const admin = kafka.admin();
  await admin.connect();
  return new KafkaJsClient(kafka, settings.producerBrokers ? client(settings.producerBrokers) : kafka, admin, settings);
}

class KafkaJsClient implements KafkaClient {
  constructor(
    private readonly kafka: Kafka,
    /** Producers' client: the same, or one bootstrapped through toxiproxy. */
    private readonly producerKafka: Kafka,
    private readonly admin: Admin,
    private readonly settings: KafkaSettings,
  ) {}

  async createTopics(topics: readonly string[], partitions: number, options: TopicOptions = {}): Promise<void> {
    // waitForLeaders can fail under load with UNKNOWN_TOPIC_OR_PARTITION ("does not host this
    // topic-partition") while the topic is in fact being created: then poll metadata for leaders.
    const created = await this.admin
      .createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: options.replicationFactor ?? this.settings.replicationFactor ?? 1, configEntries: options.configs ?? topicConfigs(this.settings) })), waitForLeaders: true })
      .then(() => true, (err: Error) => (/does not host this topic-partition|UNKNOWN_TOPIC_OR_PARTITION/i.test(`${err.message} ${(err as { type?: string }).type}`) ? false : Promise.reject(err)));
    if (created) return;
    const deadline = Date.now() + 15_000;
    for (;;) {
      const meta = await this.admin.fetchTopicMetadata({ topics: [...topics] }).catch(() => undefined);
      if (meta && meta.topics.every((t) => t.partitions.length === partitions && t.partitions.every((p) => p.leader >= 0))) return;
      if (Date.now() > deadline) throw new Error(`topics ${topics.join(", ")} have no leader after 15 s`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async topicEnds(topic: string): Promise<PartitionEnds[]> {
    return (await this.admin.fetchTopicOffsets(topic)).map((e) => ({ partition: e.partition, low: Number(e.low), high: Number(e.high) }));
  }

  async committed(groupId: string, topic: string): Promise<Map<number, number>> {
    const committed = await this.admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map(committed[0]?.partitions.map((p) => [p.partition, Number(p.offset)]) ?? []);
  }

  async sender(partitionsOf: (topic: string) => number = () => this.settings.partitions): Promise<RecordSender> {
    const { idempotent, acks, retries, maxInFlight } = this.settings;
    // An idempotent producer needs one request in flight per connection to keep sequence order.
    const producer = this.producerKafka.producer({ idempotent, allowAutoTopicCreation: false, retry: { retries }, ...(idempotent ? { maxInFlightRequests: 1 } : maxInFlight !== undefined ? { maxInFlightRequests: maxInFlight } : {}) });
    await producer.connect();
    // Partitions are chosen here with kafkajs' own default partitioner, so each record's offset
    // can be read off the per-partition base offsets of the answer.
    const partitioner = Partitioners.DefaultPartitioner();
    const partitionMetadata = (topic: string) => Array.from({ length: partitionsOf(topic) }, (_, partitionId) => ({ partitionId, leader: 0, replicas: [0], isr: [0], partitionErrorCode: 0 }));
    return {
      send: async (topic, records) => {
        const messages = records.map((r) => ({ ...r, partition: partitioner({ topic, partitionMetadata: partitionMetadata(topic), message: { ...r } }) }));
        const answer = await producer.send({ topic, acks, messages });
        return storedPositions(messages.map((m) => m.partition), new Map(answer.map((a) => [a.partition, a.baseOffset])));
      },
      close: async () => {
        await producer.disconnect().catch(() => {});
      },
    };
  }

  member(group: string, topic: string, entity: string, emit?: (event: DriverEvent) => void): Promise<KafkaConsumer> {
    return KafkaConsumer.start(this.kafka, group, topic, entity, this.settings, emit);
  }

  async startGroupAt(groupId: string, topic: string, offsets: readonly { partition: number; offset: number }[]): Promise<void> {
    await this.admin.setOffsets({ groupId, topic, partitions: offsets.map((o) => ({ partition: o.partition, offset: String(o.offset) })) });
  }

  async deleteGroups(groups: readonly string[]): Promise<void> {
    await this.admin.deleteGroups([...groups]);
  }

  async deleteTopics(topics: readonly string[]): Promise<void> {
    await this.admin.deleteTopics({ topics: [...topics] });
  }

  async close(): Promise<void> {
    await this.admin.disconnect();
  }
}
