import { randomBytes } from "node:crypto";
import { Consumer, type MessagesStream } from "@platformatic/kafka";
import type { BenchClient, Versions } from "../../core/bench-client.js";
import { InfrastructureError } from "../../core/errors.js";
import { PlatformaticAdmin } from "../../drivers/kafka/platformatic/admin.js";
import { baseOptions } from "../../drivers/kafka/platformatic/options.js";
import { openPlatformaticSender } from "../../drivers/kafka/platformatic/producer.js";
import type { RecordSender } from "../../drivers/kafka/client.js";
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
    const sender = await openPlatformaticSender(settings);
    return new PlatformaticBenchClient(admin, sender, topic, settings);
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
    private readonly sender: RecordSender,
    private readonly topic: string,
    private readonly kafka: KafkaSettings,
  ) {
    const acks = { [-1]: "all", 0: "0 (no ack: sends cannot be confirmed)", 1: "1 (leader)" }[kafka.acks];
    this.settings = { client: "@platformatic/kafka", acks, idempotent: kafka.idempotent, partitions: kafka.partitions, batching: "none beyond what one send() carries: one produce request per send()" };
  }

  async sendOne(payload: Buffer, key?: string): Promise<void> {
    await this.sender.send(this.topic, [{ key: key ?? null, value: payload, headers: {} }]);
  }

  async sendBatch(payloads: Buffer[]): Promise<void> {
    await this.sender.send(this.topic, payloads.map((value) => ({ key: null, value, headers: {} })));
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
    await this.sender.close();
    await this.admin.deleteTopics([this.topic]).catch(() => {});
    await this.admin.deleteGroups([`${this.topic}.consumer`]).catch(() => {});
    await this.admin.close().catch(() => {});
  }
}
