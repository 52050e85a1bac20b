import { type ServiceBusMessage, ServiceBusClient, type ServiceBusReceiver, isServiceBusError } from "@azure/service-bus";
import Long from "long";
import type { Capability } from "../../core/capabilities.js";
import { CAPABILITIES } from "../../core/capabilities.js";
import type { Clock } from "../../core/clock.js";
import { realClock } from "../../core/clock.js";
import type { Consumer, ConsumerOptions, DrainOptions, Driver, Producer } from "../../core/driver.js";
import { type EntitySpec, settingsOf } from "../../core/entities.js";
import { DefiniteFailure } from "../../core/errors.js";
import type { Delivery, SentMessage } from "../../core/history.js";
import { NO_AUTO_RENEW, ServiceBusConsumer } from "./consumer.js";
import { KEY_PROPERTY, toDelivery } from "./convert.js";
import type { ProvisionedNamespace } from "./namespace.js";

/** Service Bus has every capability Gauntlet names. */
export const SERVICEBUS_CAPABILITIES: ReadonlySet<Capability> = new Set(CAPABILITIES);

/**
 * Azure Service Bus (or the embedded emulator) through the unmodified @azure/service-bus SDK.
 * Entities come from `provisioner` (a fresh emulator per scenario, or prefixed entities on a real
 * namespace); keys become session ids on session entities, so a key is held by one consumer.
 */
/** Operation timeout of session consumers' clients, and so how long the broker holds an accept-next open. */
const SESSION_ACCEPT_WAIT_MS = 2_000;

export class ServiceBusDriver implements Driver {
  readonly family = "servicebus";
  readonly capabilities = SERVICEBUS_CAPABILITIES;
  readonly clock: Clock = realClock();
  /** Service Bus keeps a lock until it expires, even when the client's connection is gone. */
  readonly locksReleasedOnCrash = false;
  /** sendMessages(batch) is one transfer: Service Bus stores all of it or none. */
  readonly atomicBatches = true;
  /** Suites' 40–50 ms locks become 200–250 ms: room for the SDK's connection and link setup. */
  readonly timeScale = 5;
  /**
   * lockedUntil comes in whole milliseconds of the broker's wall clock and is moved onto the run
   * clock through Date.now(), itself whole milliseconds: two stamps issued 0.3 ms apart can
   * read up to ~2 ms inverted.
   */
  readonly clockToleranceMs = 2;
  private namespace: ProvisionedNamespace | undefined;
  private entities: readonly EntitySpec[] = [];
  private readonly clients: ServiceBusClient[] = [];

  constructor(private readonly provisioner: (entities: readonly EntitySpec[]) => Promise<ProvisionedNamespace>) {}

  async provision(entities: readonly EntitySpec[]): Promise<void> {
    this.entities = entities;
    this.namespace = await this.provisioner(entities);
  }

  private client(timeoutInMs = 10_000): ServiceBusClient {
    if (!this.namespace) throw new DefiniteFailure("entities were not provisioned", "not-provisioned");
    const client = new ServiceBusClient(this.namespace.connectionString, { retryOptions: { maxRetries: 1, timeoutInMs } });
    this.clients.push(client);
    return client;
  }

  private sessionsAt(address: string): boolean {
    return settingsOf(address, this.entities)?.orderedKeys === true;
  }

  private path(address: string): { queue: string } | { topic: string; subscription: string } {
    const [topic, subscription] = address.split("/");
    return subscription === undefined ? { queue: this.namespace!.name(address) } : { topic: this.namespace!.name(topic!), subscription };
  }

  async producer(): Promise<Producer> {
    const client = this.client();
    const senders = new Map<string, ReturnType<ServiceBusClient["createSender"]>>();
    return {
      send: async (target: string, messages: readonly SentMessage[]) => {
        let sender = senders.get(target);
        if (!sender) senders.set(target, (sender = client.createSender(this.namespace!.name(target))));
        const sessions = this.entities.some((e) => e.name === target && (e.kind === "queue" ? e.orderedKeys : e.subscriptions.some((s) => s.orderedKeys)));
        const batch: ServiceBusMessage[] = messages.map((m) => ({
          messageId: m.id,
          body: Buffer.alloc(m.size ?? 0, 120),
          ...(m.key !== undefined ? { applicationProperties: { [KEY_PROPERTY]: m.key } } : {}),
          ...(sessions ? { sessionId: m.key ?? "no-key" } : {}),
        }));
        try {
          // An array is one AMQP transfer: the broker takes all of it or none.
          await sender.sendMessages(batch);
        } catch (err) {
          if (isServiceBusError(err) && (err.code === "MessageSizeExceeded" || err.code === "MessagingEntityNotFound" || err.code === "ServiceBusy" || err.code === "QuotaExceeded")) {
            throw new DefiniteFailure(err.message, err.code);
          }
          throw err;
        }
      },
      close: async () => {
        await client.close().catch(() => {});
      },
    };
  }

  async consumer(source: string, options: ConsumerOptions): Promise<Consumer> {
    const sessions = this.sessionsAt(source);
    // The SDK sends the client's operation timeout as the server's wait for a free session
    // (acceptNextSession): 10 s made every idle receive of a session consumer a 5–10 s wait.
    const client = this.client(sessions ? SESSION_ACCEPT_WAIT_MS : undefined);
    return new ServiceBusConsumer(client, this.path(source), source, options, sessions, this.clock);
  }

  /** Receive-and-delete until the source stays empty past the longest lock, then fetch deferred messages by sequence number. */
  async drain(source: string, options: DrainOptions): Promise<Delivery[]> {
    const client = this.client();
    const path = this.path(source);
    const opts = { receiveMode: "receiveAndDelete" as const, ...(options.dlq ? { subQueueType: "deadLetter" as const } : {}), ...NO_AUTO_RENEW };
    const out: Delivery[] = [];
    const extra = options.dlq ? { dlq: true } : {};
    const quietUntil = Date.now() + options.maxWaitMs;
    try {
      if (this.sessionsAt(source) && !options.dlq) {
        // Sessions: take each session with messages in turn until none is left.
        for (;;) {
          const receiver = await this.acceptNext(client, path, Math.max(500, quietUntil - Date.now())).catch(() => undefined);
          if (!receiver) break;
          out.push(...(await this.empty(receiver, source, extra, 0)));
          await receiver.close();
        }
      } else {
        const receiver = "queue" in path ? client.createReceiver(path.queue, opts) : client.createReceiver(path.topic, path.subscription, opts);
        out.push(...(await this.empty(receiver, source, extra, quietUntil)));
        out.push(...(await this.deferred(client, path, source, extra)));
        await receiver.close();
      }
    } finally {
      await client.close().catch(() => {});
    }
    return out;
  }

  private acceptNext(client: ServiceBusClient, path: { queue: string } | { topic: string; subscription: string }, waitMs: number): Promise<ServiceBusReceiver> {
    const opts = { receiveMode: "receiveAndDelete" as const, abortSignal: AbortSignal.timeout(waitMs), ...NO_AUTO_RENEW };
    return "queue" in path ? client.acceptNextSession(path.queue, opts) : client.acceptNextSession(path.topic, path.subscription, opts);
  }

  /** Read until a receive comes back empty after `quietUntil` (locks held by crashed clients have expired by then). */
  private async empty(receiver: ServiceBusReceiver, source: string, extra: Partial<Delivery>, quietUntil: number): Promise<Delivery[]> {
    const out: Delivery[] = [];
    for (;;) {
      const got = await receiver.receiveMessages(100, { maxWaitTimeInMs: 200 });
      out.push(...got.map((m) => toDelivery(m, source, this.clock, extra)));
      if (got.length > 0) continue;
      if (Date.now() >= quietUntil) return out;
      // Peeking also shows locked, deferred and scheduled messages: nothing there means nothing to wait for.
      const rest = await receiver.peekMessages(1, { fromSequenceNumber: Long.ZERO });
      if (rest.length === 0 || rest.every((m) => m.state !== "active")) return out;
    }
  }

  /** Deferred messages are invisible to receive: find them by peeking, then take them by sequence number. */
  private async deferred(client: ServiceBusClient, path: { queue: string } | { topic: string; subscription: string }, source: string, extra: Partial<Delivery>): Promise<Delivery[]> {
    if ("dlq" in extra) return [];
    const peeker = "queue" in path ? client.createReceiver(path.queue, { ...NO_AUTO_RENEW }) : client.createReceiver(path.topic, path.subscription, { ...NO_AUTO_RENEW });
    try {
      // From the start: the SDK keeps one peek cursor per entity and connection.
      const peeked = await peeker.peekMessages(1000, { fromSequenceNumber: Long.ZERO });
      const seqs = peeked.filter((m) => m.state === "deferred" && m.sequenceNumber).map((m) => m.sequenceNumber!);
      if (seqs.length === 0) return [];
      const taken = await peeker.receiveDeferredMessages(seqs);
      for (const m of taken) await peeker.completeMessage(m);
      return taken.map((m) => toDelivery(m, source, this.clock, { ...extra, deferred: true }));
    } finally {
      await peeker.close().catch(() => {});
    }
  }

  async close(): Promise<void> {
    for (const c of this.clients) await c.close().catch(() => {});
    await this.namespace?.close();
  }
}
