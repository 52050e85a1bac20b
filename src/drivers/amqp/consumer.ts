import type { Channel, ChannelModel, ConsumeMessage, GetMessage, Message } from "amqplib";
import type { Consumer, ConsumerOptions } from "../../core/driver.js";
import type { Delivery, SettleOutcome } from "../../core/history.js";
import { DefiniteFailure, LockLostError } from "../../core/errors.js";
import { closeWithin } from "./close.js";
import { deathReason } from "./names.js";

const POLL_MS = 10;

/** Turn a basic.get result (or a pushed basic.deliver) into a history delivery. */
export function toDelivery(msg: Message, entity: string, quorum: boolean, extra: Partial<Delivery> = {}): Delivery {
  const headers = msg.properties.headers ?? {};
  const d: Delivery = { id: String(msg.properties.messageId ?? ""), entity, redelivered: msg.fields.redelivered, ...extra };
  const key = headers["x-gauntlet-key"];
  if (typeof key === "string") d.key = key;
  // Quorum queues count in x-delivery-count (absent on the first delivery); classic queues do not count.
  d.deliveryCount = quorum ? Number(headers["x-delivery-count"] ?? 0) + 1 : null;
  const reason = deathReason(headers["x-first-death-reason"]);
  if (extra.dlq && reason) d.deadLetterReason = reason;
  return d;
}

/**
 * A consumer on its own connection (so a crash is a dropped TCP connection, as in production)
 * reading with basic.get. Settlements are followed by a synchronous round trip on the same
 * channel: AMQP processes a channel's frames in order, so its reply proves the ack or nack was
 * applied, and a channel already closed (consumer_timeout, bad tag) proves it was not.
 */
export class AmqpConsumer implements Consumer {
  private readonly held = new Map<string, Message>();
  private closedBy: string | undefined;
  /** Push mode (basic.consume): deliveries the broker pushed that receive() has not returned yet. */
  private readonly pushed: ConsumeMessage[] = [];
  private subscribed: Promise<unknown> | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly connection: ChannelModel,
    private readonly channel: Channel,
    private readonly queue: string,
    private readonly entity: string,
    private readonly options: ConsumerOptions,
    private readonly quorum: boolean,
    /** The cluster node the connection reached, when on a cluster. */
    private readonly nodeName?: string,
    /**
     * Subscribe (basic.consume, prefetch 1) instead of polling with basic.get, for queues with
     * x-single-active-consumer: only a subscription is governed by it, and quorum queues refuse
     * basic.get on them (resource_locked). Prefetch 1 keeps at most one pushed delivery that
     * receive() has not returned yet.
     */
    private readonly push = false,
  ) {
    channel.on("error", (err: Error) => (this.closedBy = err.message));
    channel.on("close", () => (this.closedBy ??= "channel closed"));
    connection.on("error", () => {});
  }

  node(): string | undefined {
    return this.nodeName;
  }

  async receive(max: number, waitMs: number): Promise<Delivery[]> {
    if (this.push) return this.receivePushed(max, waitMs);
    const deadline = Date.now() + waitMs;
    const out: Delivery[] = [];
    const noAck = this.options.mode === "receive-and-delete";
    for (;;) {
      while (out.length < max) {
        const msg = await this.channel.get(this.queue, { noAck });
        if (!msg) break;
        const token = noAck ? undefined : `${this.channelId()}:${msg.fields.deliveryTag}`;
        if (token) this.held.set(token, msg);
        out.push(toDelivery(msg, this.entity, this.quorum, token ? { lockToken: token } : {}));
      }
      if (out.length > 0 || Date.now() >= deadline) return out;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }

  private async receivePushed(max: number, waitMs: number): Promise<Delivery[]> {
    const noAck = this.options.mode === "receive-and-delete";
    this.subscribed ??= this.channel.prefetch(1).then(() =>
      this.channel.consume(
        this.queue,
        (msg) => {
          if (!msg) return; // the broker cancelled the subscription (queue deleted)
          this.pushed.push(msg);
          this.wake?.();
        },
        { noAck },
      ),
    );
    await this.subscribed;
    if (!this.pushed.length && waitMs > 0) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        timer = setTimeout(resolve, waitMs);
      });
      clearTimeout(timer);
      this.wake = undefined;
    }
    if (this.closedBy && !this.pushed.length) throw new Error(`channel closed (${this.closedBy})`);
    return this.pushed.splice(0, max).map((msg) => {
      const token = noAck ? undefined : `${this.channelId()}:${msg.fields.deliveryTag}`;
      if (token) this.held.set(token, msg);
      return toDelivery(msg, this.entity, this.quorum, token ? { lockToken: token } : {});
    });
  }

  async settle(delivery: Delivery, outcome: SettleOutcome): Promise<void> {
    const msg = delivery.lockToken ? this.held.get(delivery.lockToken) : undefined;
    if (!msg) throw new DefiniteFailure(`no unacknowledged delivery with token ${delivery.lockToken}`, "unknown-token");
    if (this.closedBy) throw new LockLostError(`channel closed before settling (${this.closedBy}); the broker requeued the message`);
    if (outcome === "defer") throw new DefiniteFailure("RabbitMQ has no deferral", "not-supported");
    if (outcome === "complete") this.channel.ack(msg);
    else this.channel.nack(msg, false, outcome === "abandon");
    this.held.delete(delivery.lockToken!);
    await this.channel.checkQueue(this.queue); // the round trip that confirms the settlement
  }

  async renew(): Promise<number> {
    throw new DefiniteFailure("RabbitMQ locks cannot be renewed", "not-supported");
  }

  async crash(): Promise<void> {
    // Drop the TCP connection without closing the channel: the broker requeues unacked deliveries.
    // destroy(err) (not destroy()) so amqplib sees the error and stops its heartbeat timers.
    const stream = (this.connection as unknown as { connection?: { stream?: { destroy(err?: Error): void } } }).connection?.stream;
    stream?.destroy(new Error("gauntlet: simulated client crash"));
    this.closedBy = "client crashed";
  }

  async close(): Promise<void> {
    await closeWithin(this.connection.close());
  }

  private channelId(): number {
    return (this.channel as unknown as { ch?: number }).ch ?? 0;
  }
}
