import { randomBytes } from "node:crypto";
import { type Admin, type Consumer, type ISocketFactory, Kafka, logLevel, type Producer } from "kafkajs";
import { InfrastructureError, UsageError } from "../../core/errors.js";
import { type KafkaSettings, parseKafkaUrl } from "../../drivers/kafka/settings.js";
import type { Versions } from "../../core/bench-client.js";
import { packageVersion } from "../package-version.js";
import { openPlatformaticBenchClient } from "./platformatic-bench-client.js";
import type { BenchClient } from "../../core/bench-client.js";

export interface KafkaBenchOptions {
  /** Open every broker connection through this (bench rtt routes them through toxiproxy). */
  socketFactory?: ISocketFactory;
}

/**
 * kafka:// through kafkajs. kafkajs does no batching or linger of its own: each `send()` is one
 * produce request, so sendOne = `send({ messages: [m], acks })` and sendBatch = one `send` with
 * N messages. Acks, idempotence and partitions come from the URL as for the driver; an
 * idempotent producer keeps one request in flight (kafkajs needs it for sequence order), which
 * serialises pipelined sends — use `?idempotent=false` to let them overlap. The consumer is a
 * fresh group reading the run's fresh topic from the beginning.
 */
export async function openKafkaBenchClient(redacted: string, url: URL, options: KafkaBenchOptions = {}): Promise<BenchClient> {
  const settings = parseKafkaUrl(url);
  if (settings.client === "platformatic") {
    if (options.socketFactory) throw new UsageError("bench rtt: kafka:// with client=platformatic is not available yet (its connections cannot be routed through the proxies)", "drop ?client= to measure through kafkajs");
    return openPlatformaticBenchClient(redacted, settings);
  }
  const kafka = new Kafka({ clientId: "gauntlet-bench", brokers: settings.brokers, logLevel: logLevel.NOTHING, connectionTimeout: 3_000, ...(options.socketFactory ? { socketFactory: options.socketFactory } : {}), retry: { retries: Math.min(settings.retries, 2), initialRetryTime: 100, maxRetryTime: 1_000 } });
  const admin = kafka.admin();
  await admin.connect().catch((err: Error) => {
    throw new InfrastructureError(`cannot connect to Kafka at ${redacted}: ${err.message}`, "is the broker running? npx gauntlet brokers up kafka starts a local one");
  });
  const topic = `gauntlet.bench.${randomBytes(4).toString("hex")}`;
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: settings.partitions, replicationFactor: 1 }], waitForLeaders: true });
    const producer = kafka.producer({ idempotent: settings.idempotent, allowAutoTopicCreation: false, retry: { retries: settings.retries }, ...(settings.idempotent ? { maxInFlightRequests: 1 } : {}) });
    await producer.connect();
    const consumer = kafka.consumer({ groupId: `${topic}.consumer`, maxWaitTimeInMs: 50 });
    return new KafkaBenchClient(admin, producer, consumer, topic, settings);
  } catch (err) {
    await admin.deleteTopics({ topics: [topic] }).catch(() => {});
    await admin.disconnect().catch(() => {});
    throw new InfrastructureError(`Kafka at ${redacted}: ${(err as Error).message}`);
  }
}

class KafkaBenchClient implements BenchClient {
  readonly family = "kafka";
  readonly environment = "external";
  readonly settings: Record<string, unknown>;

  constructor(
    private readonly admin: Admin,
    private readonly producer: Producer,
    private readonly consumer: Consumer,
    private readonly topic: string,
    private readonly kafka: KafkaSettings,
  ) {
    const acks = { [-1]: "all", 0: "0 (no ack: sends cannot be confirmed)", 1: "1 (leader)" }[kafka.acks];
    this.settings = { acks, idempotent: kafka.idempotent, maxInFlightRequests: kafka.idempotent ? 1 : "unlimited", partitions: kafka.partitions, batching: "none inside kafkajs: one produce request per send()" };
  }

  async sendOne(payload: Buffer, key?: string): Promise<void> {
    await this.producer.send({ topic: this.topic, acks: this.kafka.acks, messages: [{ key: key ?? null, value: payload }] });
  }

  async sendBatch(payloads: Buffer[]): Promise<void> {
    await this.producer.send({ topic: this.topic, acks: this.kafka.acks, messages: payloads.map((value) => ({ value })) });
  }

  async consume(onDelivery: (payload: Buffer) => void): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topic, fromBeginning: true });
    const joined = new Promise<void>((resolve) => this.consumer.on(this.consumer.events.GROUP_JOIN, () => resolve()));
    await this.consumer.run({
      eachBatchAutoResolve: true,
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) if (m.value) onDelivery(m.value);
      },
    });
    await Promise.race([joined, new Promise((_, reject) => setTimeout(() => reject(new InfrastructureError("the Kafka consumer did not join its group within 30 s")), 30_000).unref())]);
  }

  versions(): Versions {
    return { client: "kafkajs", clientVersion: packageVersion("kafkajs"), broker: "Apache Kafka", note: "Kafka does not report its release version to clients" };
  }

  async close(): Promise<void> {
    await this.consumer.disconnect().catch(() => {});
    await this.producer.disconnect().catch(() => {});
    await this.admin.deleteTopics({ topics: [this.topic] }).catch(() => {});
    await this.admin.deleteGroups([`${this.topic}.consumer`]).catch(() => {});
    await this.admin.disconnect().catch(() => {});
  }
}
