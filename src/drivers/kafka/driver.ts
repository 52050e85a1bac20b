import { randomBytes } from "node:crypto";
import { type Admin, Kafka, logLevel } from "kafkajs";
import type { Capability } from "../../core/capabilities.js";
import type { Clock } from "../../core/clock.js";
import type { Consumer, ConsumerOptions, DrainOptions, Driver, Producer } from "../../core/driver.js";
import type { EntitySpec } from "../../core/entities.js";
import type { Delivery, SentMessage } from "../../core/history.js";
import { DefiniteFailure } from "../../core/errors.js";
import { realClock } from "../../core/clock.js";
import { KafkaConsumer } from "./consumer.js";
import { ID_HEADER, KEY_HEADER, KafkaNames } from "./names.js";
import type { KafkaSettings } from "./settings.js";

/**
 * Kafka seen through Gauntlet's queue vocabulary: a consumer group is the queue (or a
 * subscription), a fetched record is held until its offset is committed (complete), and a
 * member leaving the group hands its uncommitted records to the others. Keys map to partitions,
 * so per-key order holds. No abandon, dead-letter, defer, lock renewal or delivery count.
 */
export const KAFKA_CAPABILITIES: ReadonlySet<Capability> = new Set<Capability>(["peek-lock", "ordered-keys", "topics"]);

export class KafkaDriver implements Driver {
  readonly family = "kafka";
  readonly capabilities = KAFKA_CAPABILITIES;
  readonly clock: Clock = realClock();
  readonly locksReleasedOnCrash = true;
  private readonly names = new KafkaNames(`gauntlet.${randomBytes(4).toString("hex")}`);
  private readonly topics: string[] = [];
  private readonly groups: string[] = [];

  private constructor(
    private readonly kafka: Kafka,
    /** Producers' client: the same, or one bootstrapped through toxiproxy. */
    private readonly producerKafka: Kafka,
    private readonly admin: Admin,
    private readonly settings: KafkaSettings,
  ) {}

  static async connect(settings: KafkaSettings, options: { connectionTimeoutMs?: number } = {}): Promise<KafkaDriver> {
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
    return new KafkaDriver(kafka, settings.producerBrokers ? client(settings.producerBrokers) : kafka, admin, settings);
  }

  async provision(entities: readonly EntitySpec[]): Promise<void> {
    const topics = entities.map((e) => this.names.topic(e.name));
    await this.admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: this.settings.partitions, replicationFactor: 1 })), waitForLeaders: true });
    this.topics.push(...topics);
  }

  async producer(): Promise<Producer> {
    const { idempotent, acks, retries } = this.settings;
    // An idempotent producer needs one request in flight per connection to keep sequence order.
    const producer = this.producerKafka.producer({ idempotent, allowAutoTopicCreation: false, retry: { retries }, ...(idempotent ? { maxInFlightRequests: 1 } : {}) });
    await producer.connect();
    return {
      send: async (target: string, messages: readonly SentMessage[]) => {
        await producer.send({
          topic: this.names.topic(target),
          acks,
          messages: messages.map((m) => ({
            key: m.key ?? null,
            value: Buffer.alloc(m.size ?? 0, 120),
            headers: { [ID_HEADER]: m.id, ...(m.key !== undefined ? { [KEY_HEADER]: m.key } : {}) },
          })),
        });
        if (acks === 0) throw new Error("acks=0: the broker never confirms a send, so its outcome is unknown");
      },
      close: async () => {
        await producer.disconnect().catch(() => {});
      },
    };
  }

  async consumer(source: string, options: ConsumerOptions): Promise<Consumer> {
    if (options.mode !== "peek-lock") throw new DefiniteFailure("the kafka driver reads with commits after processing only (peek-lock)", "not-supported");
    const group = this.names.group(source);
    if (!this.groups.includes(group)) this.groups.push(group);
    return KafkaConsumer.start(this.kafka, group, this.names.topic(source), source, this.settings.partitions);
  }

  /** Join the group and commit through to the high watermark: what was never committed is what was left. */
  async drain(source: string, options: DrainOptions): Promise<Delivery[]> {
    if (options.dlq) return [];
    const topic = this.names.topic(source);
    const group = this.names.group(source);
    const deadline = Date.now() + options.maxWaitMs + 20_000;
    const consumer = await KafkaConsumer.start(this.kafka, group, topic, source, this.settings.partitions);
    const out: Delivery[] = [];
    try {
      while (Date.now() < deadline && !(await this.caughtUp(topic, group))) {
        for (const d of await consumer.receive(500, 200)) {
          await consumer.settle(d, "complete");
          out.push(d);
        }
      }
      if (!(await this.caughtUp(topic, group))) throw new Error(`drain of ${source} did not reach the end of ${topic} in time`);
    } finally {
      await consumer.close();
    }
    return out;
  }

  private async caughtUp(topic: string, groupId: string): Promise<boolean> {
    const [ends, committed] = await Promise.all([this.admin.fetchTopicOffsets(topic), this.admin.fetchOffsets({ groupId, topics: [topic] })]);
    const done = new Map(committed[0]?.partitions.map((p) => [p.partition, Number(p.offset)]) ?? []);
    return ends.every((e) => Number(e.high) === Number(e.low) || (done.get(e.partition) ?? -1) >= Number(e.high));
  }

  async close(): Promise<void> {
    if (this.groups.length) await this.admin.deleteGroups(this.groups).catch(() => {});
    if (this.topics.length) await this.admin.deleteTopics({ topics: this.topics }).catch(() => {});
    await this.admin.disconnect().catch(() => {});
  }
}
