import { randomBytes } from "node:crypto";
import { type Channel, type ChannelModel, type ConfirmChannel, type ConsumeMessage, connect } from "amqplib";
import { InfrastructureError } from "../../core/errors.js";
import { parseAmqpUrl } from "../../drivers/amqp/settings.js";
import type { Versions } from "../../core/bench-client.js";
import { packageVersion } from "../package-version.js";
import type { BenchClient } from "../../core/bench-client.js";

/** Consumer prefetch; RabbitMQ's own measurements saturate from about 100. */
const PREFETCH = 500;
/** Acknowledge deliveries in groups (multiple=true), about 10 % of the prefetch. */
const ACK_EVERY = 50;

/**
 * amqp:// through amqplib: a ConfirmChannel on its own connection publishes persistent messages
 * to one queue (quorum or classic per `?queue-type=`, as the driver); sendOne resolves on that
 * message's confirm, sendBatch publishes N then waits for the confirms. The consumer has its own
 * connection, prefetch 500 and manual acks (multiple, every 50 or 50 ms).
 */
export async function openAmqpBenchClient(redacted: string, url: URL): Promise<BenchClient> {
  const settings = parseAmqpUrl(url);
  const open = () =>
    connect(settings.url, { timeout: 10_000 }).catch((err: Error) => {
      const auth = /ACCESS_REFUSED|403/.test(err.message);
      throw new InfrastructureError(
        `cannot connect to RabbitMQ at ${redacted}: ${auth ? "login refused (wrong user or password)" : err.message}`,
        auth ? "check the user and password in the URL" : "is the broker running? npx gauntlet brokers up rabbitmq starts a local one",
      );
    });
  const producer = await open();
  const consumer = await open().catch(async (err: unknown) => {
    await producer.close().catch(() => {});
    throw err;
  });
  for (const c of [producer, consumer]) c.on("error", () => {});
  const queue = `gauntlet.bench.${randomBytes(4).toString("hex")}`;
  const publishCh = await producer.createConfirmChannel();
  publishCh.on("error", () => {});
  await publishCh.assertQueue(queue, { durable: true, arguments: { "x-queue-type": settings.queueType } });
  const consumeCh = await consumer.createChannel();
  consumeCh.on("error", () => {});
  return new AmqpBenchClient(producer, consumer, publishCh, consumeCh, queue, settings.queueType);
}

class AmqpBenchClient implements BenchClient {
  readonly family = "amqp";
  readonly environment = "external";
  readonly settings: Record<string, unknown>;
  private unacked: ConsumeMessage | undefined;
  private unackedCount = 0;
  private ackTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly producer: ChannelModel,
    private readonly consumer: ChannelModel,
    private readonly ch: ConfirmChannel,
    private readonly consumeCh: Channel,
    private readonly queue: string,
    queueType: string,
  ) {
    this.settings = { queueType, persistent: true, confirms: "per message (sendOne) / waitForConfirms per batch", prefetch: PREFETCH, consumerAck: `manual, multiple every ${ACK_EVERY} or 50 ms` };
  }

  sendOne(payload: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      this.ch.publish("", this.queue, payload, { persistent: true }, (err) => (err ? reject(err instanceof Error ? err : new Error("nacked by the broker")) : resolve()));
    });
  }

  async sendBatch(payloads: Buffer[]): Promise<void> {
    for (const p of payloads) this.ch.publish("", this.queue, p, { persistent: true });
    await this.ch.waitForConfirms();
  }

  async consume(onDelivery: (payload: Buffer) => void): Promise<void> {
    await this.consumeCh.prefetch(PREFETCH);
    await this.consumeCh.consume(this.queue, (msg) => {
      if (!msg) return;
      onDelivery(msg.content);
      this.unacked = msg;
      if (++this.unackedCount >= ACK_EVERY) this.flushAcks();
      else this.ackTimer ??= setTimeout(() => this.flushAcks(), 50);
    });
  }

  private flushAcks(): void {
    clearTimeout(this.ackTimer);
    this.ackTimer = undefined;
    if (this.unacked) this.consumeCh.ack(this.unacked, true);
    this.unacked = undefined;
    this.unackedCount = 0;
  }

  versions(): Versions {
    const props = (this.producer.connection as unknown as { serverProperties?: { product?: unknown; version?: unknown } }).serverProperties;
    return {
      client: "amqplib",
      clientVersion: packageVersion("amqplib"),
      broker: props?.product === undefined ? "RabbitMQ" : String(props.product),
      brokerVersion: props?.version === undefined ? undefined : String(props.version),
    };
  }

  async close(): Promise<void> {
    clearTimeout(this.ackTimer);
    await this.consumeCh.close().catch(() => {});
    await this.ch.deleteQueue(this.queue).catch(() => {});
    await this.ch.close().catch(() => {});
    await this.consumer.close().catch(() => {});
    await this.producer.close().catch(() => {});
  }
}
