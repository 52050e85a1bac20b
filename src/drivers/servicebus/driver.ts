import { type ServiceBusMessage, ServiceBusClient, isServiceBusError } from "@azure/service-bus";
import type { Capability } from "../../core/capabilities.js";
import { CAPABILITIES } from "../../core/capabilities.js";
import type { Clock } from "../../core/clock.js";
import { realClock } from "../../core/clock.js";
import type { Consumer, ConsumerOptions, DrainOptions, Driver, Producer } from "../../core/driver.js";
import { type EntitySpec, settingsOf } from "../../core/entities.js";
import { DefiniteFailure } from "../../core/errors.js";
import type { Delivery, SentMessage } from "../../core/history.js";
import { NO_AUTO_RENEW, ServiceBusConsumer } from "./consumer.js";
import { KEY_PROPERTY, scopedId } from "./convert.js";
import { randomBytes } from "node:crypto";
import { drainSource } from "./drain.js";
import { peekExisting } from "./peek-existing.js";
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
  /** countExisting peeks at most 100 messages per address (and its DLQ). */
  readonly existingCounts = "at-least";
  readonly capabilities = SERVICEBUS_CAPABILITIES;
  readonly clock: Clock = realClock();
  /** Service Bus keeps a message lock until it expires, even when the client's connection is gone… */
  readonly locksReleasedOnCrash = false;
  /**
   * …except a session's: a session entity's message locks are its session lock, which Service Bus
   * frees when the holder's link detaches (its connection closes), handing the session on.
   */
  readonly sessionLocksReleasedOnCrash = true;
  /** sendMessages(batch) is one transfer: Service Bus stores all of it or none. */
  readonly atomicBatches = true;
  /**
   * Suites' 40–50 ms locks become 80–100 ms: room for the SDK's per-operation cost (a settle or
   * renew takes 1–5 ms, an empty receive ~20 ms). Measured on servicebus-emulator:// (issue 12),
   * each action's outcome — quick settles succeed, slow handlers lose the lock, renewing ones keep
   * it — matches its intent as often at 2 as at 5 (at 1 it does not); 5 only made runs slower.
   */
  readonly timeScale = 2;
  /**
   * lockedUntil comes in whole milliseconds of the broker's wall clock and is moved onto the run
   * clock through Date.now(), itself whole milliseconds: two stamps issued 0.3 ms apart can
   * read up to ~2 ms inverted.
   */
  readonly clockToleranceMs = 2;
  private namespace: ProvisionedNamespace | undefined;
  /** Message id scope on existing entities (see convert.ts scopedId). */
  private idScope: string | undefined;
  private entities: readonly EntitySpec[] = [];
  private readonly clients: ServiceBusClient[] = [];
  private drainClient: ServiceBusClient | undefined;

  constructor(private readonly provisioner: (entities: readonly EntitySpec[]) => Promise<ProvisionedNamespace>) {}

  async provision(entities: readonly EntitySpec[]): Promise<void> {
    this.entities = entities;
    if (entities.some((e) => e.existing)) this.idScope ??= `gx${randomBytes(4).toString("hex")}`;
    this.namespace = await this.provisioner(entities);
  }

  /** Existing entities (the provisioner names them verbatim and creates nothing): messages held at each address and its DLQ, peeked. */
  async countExisting(entities: readonly EntitySpec[]): Promise<Record<string, number>> {
    await this.provision(entities);
    return peekExisting(this.client(), entities, (a) => this.path(a));
  }

  async describe(): Promise<Record<string, Record<string, unknown>>> {
    return (await this.namespace?.describe?.()) ?? {};
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
          messageId: scopedId(this.idScope, m.id),
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
    return new ServiceBusConsumer(client, this.path(source), source, options, sessions, this.clock, this.idScope);
  }

  /** Receive-and-delete until nothing receivable is left, waiting out held locks, then take deferred messages (drain.ts). */
  async drain(source: string, options: DrainOptions): Promise<Delivery[]> {
    // One connection serves every drain of the scenario.
    const client = (this.drainClient ??= this.client());
    const path = this.path(source);
    return drainSource({
      client,
      path,
      source,
      dlq: options.dlq,
      sessions: this.sessionsAt(source),
      quietUntil: Date.now() + options.maxWaitMs,
      clock: this.clock,
      ...(this.idScope ? { idScope: this.idScope } : {}),
      acceptNext: (waitMs) => {
        const opts = { receiveMode: "receiveAndDelete" as const, abortSignal: AbortSignal.timeout(Math.max(500, waitMs)), ...NO_AUTO_RENEW };
        return "queue" in path ? client.acceptNextSession(path.queue, opts) : client.acceptNextSession(path.topic, path.subscription, opts);
      },
    });
  }

  async close(): Promise<void> {
    for (const c of this.clients) await c.close().catch(() => {});
    await this.namespace?.close();
  }
}
