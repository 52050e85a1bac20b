import { randomBytes } from "node:crypto";
import { Consumer, type MessagesStream, Producer, stringSerializer } from "@platformatic/kafka";
import type { BenchClient, Versions } from "../../core/bench-client.js";
import { InfrastructureError } from "../../core/errors.js";
import { PlatformaticAdmin } from "../../drivers/kafka/platformatic/admin.js";
import { baseOptions } from "../../drivers/kafka/platformatic/options.js";
import type { KafkaSettings } from "../../drivers/kafka/settings.js";
import { packageVersion } from "../package-version.js";

/**
 * kafka://…?client=platformatic through @platformatic/kafka, the same shape as the kafkajs bench
 * client: a fresh topic with the URL's partitions, the driver's producer (acks, idempotence and
 * the Java-compatible partitioner from the URL; sendOne = one record per send(), sendBatch = one
 * send() with N records) and a fresh group consuming the topic from the earliest offset with
 * autocommit. Lets `gauntlet bench` compare the two client libraries on the same broker.
 */
export async function openPlatformaticBenchClient(redacted: string, settings: KafkaSettings): Promise<BenchClient> {
  const admin = await PlatformaticAdmin.connect(settings).catch((err: Error) => {
    throw new InfrastructureError(`cannot connect to Kafka at ${redacted}: ${err.message}`, "is the broker running? npx gauntlet brokers up kafka starts a local one");
  });
  const topic = `gauntlet.bench.${randomBytes(4).toString("hex")}`;
  try {
    await admin.createTopics([topic], settings.partitions);
    // The driver's producer settings (acks, idempotence, retries, no topic auto-creation), but sends
    // go straight to it: the bench needs no per-record offsets, and reading them costs per batch.
    const producer = new Producer<string, Buffer, string, string>({
      ...baseOptions(settings.producerBrokers ?? settings.brokers, settings.retries),
      idempotent: settings.idempotent,
      acks: settings.acks,
      autocreateTopics: false,
      serializers: { key: stringSerializer, headerKey: stringSerializer, headerValue: stringSerializer },
    });
    producer.on("error", () => {});
    return new PlatformaticBenchClient(admin, producer, topic, settings);
  } catch (err) {
    await admin.deleteTopics([topic]).catch(() => {});
    await admin.close().catch(() => {});
    throw new InfrastructureError(`Kafka at ${redacted}: ${(err as Error).message}`);
  }
}

class PlatformaticBenchClient implements BenchClient {
  readonly family = "kafka";
  readonly environment = "external";
  readonly settings: Record<string, unknown>;
  private consumer: Consumer<string, Buffer, string, string> | undefined;
  private stream: MessagesStream<string, Buffer, string, string> | undefined;

  constructor(
    private readonly admin: PlatformaticAdmin,
    private readonly producer: Producer<string, Buffer, string, string>,
    private readonly topic: string,
    private readonly kafka: KafkaSettings,
  ) {
    const acks = { [-1]: "all", 0: "0 (no ack: sends cannot be confirmed)", 1: "1 (leader)" }[kafka.acks];
    this.settings = { client: "@platformatic/kafka", acks, idempotent: kafka.idempotent, partitions: kafka.partitions, batching: "none beyond what one send() carries: one produce request per send(), a batch's records split into one contiguous run per partition" };
  }

  private next = 0;

  async sendOne(payload: Buffer, key?: string): Promise<void> {
    const partition = this.next++ % this.kafka.partitions;
    await this.producer.send({ acks: this.kafka.acks, messages: [{ topic: this.topic, value: payload, partition, ...(key !== undefined ? { key } : {}) }] });
  }

  /** One produce request: the records in one contiguous run per partition (one record batch each, as the Java producer builds). */
  async sendBatch(payloads: Buffer[]): Promise<void> {
    const parts = this.kafka.partitions;
    const per = Math.ceil(payloads.length / parts);
    const first = this.next++;
    const messages = payloads.map((value, i) => ({ topic: this.topic, value, partition: (first + Math.floor(i / per)) % parts }));
    await this.producer.send({ acks: this.kafka.acks, messages });
  }

  async consume(onDelivery: (payload: Buffer) => void): Promise<void> {
    this.consumer = new Consumer<string, Buffer, string, string>({ ...baseOptions(this.kafka.brokers, 3), groupId: `${this.topic}.consumer`, maxWaitTime: 50, autocommit: true });
    this.consumer.on("error", () => {});
    this.stream = await this.consumer.consume({ topics: [this.topic], mode: "earliest", autocommit: true });
    this.stream.on("data", (m: { value?: Buffer }) => {
      if (m.value) onDelivery(m.value);
    });
    this.stream.on("error", () => {});
  }

  versions(): Versions {
    return { client: "@platformatic/kafka", clientVersion: packageVersion("@platformatic/kafka"), broker: "Apache Kafka", note: "Kafka does not report its release version to clients" };
  }

  async close(): Promise<void> {
    await this.stream?.close().catch(() => {});
    await this.consumer?.close(true).catch(() => {});
    await this.producer.close(true).catch(() => {});
    await this.admin.deleteTopics([this.topic]).catch(() => {});
    await this.admin.deleteGroups([`${this.topic}.consumer`]).catch(() => {});
    await this.admin.close().catch(() => {});
  }
}
