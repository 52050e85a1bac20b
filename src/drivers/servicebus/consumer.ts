import { type ServiceBusClient, type ServiceBusReceivedMessage, type ServiceBusReceiver, isServiceBusError } from "@azure/service-bus";
import type { Clock } from "../../core/clock.js";
import type { Consumer, ConsumerOptions } from "../../core/driver.js";
import type { Delivery, SettleOutcome } from "../../core/history.js";
import { DefiniteFailure, LockLostError } from "../../core/errors.js";
import { onClock, toDelivery } from "./convert.js";

/** Locks must expire when the test says so: the SDK's automatic renewal is switched off. */
export const NO_AUTO_RENEW = { maxAutoLockRenewalDurationInMs: 0 } as const;

/** SDK errors that prove the settlement or renewal did not happen. */
function definite(err: unknown): never {
  if (isServiceBusError(err)) {
    if (err.code === "MessageLockLost" || err.code === "SessionLockLost") throw new LockLostError(err.message);
    if (err.code === "MessagingEntityNotFound" || err.code === "ServiceBusy" || err.code === "QuotaExceeded") throw new DefiniteFailure(err.message, err.code);
  }
  throw err;
}

/** How often a pending session settlement looks whether its link is still open, ms. */
const LINK_POLL_MS = 25;

/**
 * A session settlement whose link the broker detaches (session lock lost) while the disposition
 * is on the wire never completes: the SDK stops listening on the closed link and its own timer
 * runs 60 s. Once the link is gone, the outcome is unknown to this client: say so at once.
 */
export async function untilLinkCloses<T>(settling: Promise<T>, receiver: { readonly isClosed: boolean }): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const closed = new Promise<never>((_, reject) => {
    timer = setInterval(() => {
      if (receiver.isClosed) reject(new Error("indeterminate: the session link closed (session lock lost) while the settlement was in flight"));
    }, LINK_POLL_MS);
  });
  try {
    return await Promise.race([settling, closed]);
  } finally {
    clearInterval(timer);
    settling.catch(() => {}); // its late outcome is unknown by definition
  }
}

/**
 * One consumer = one ServiceBusClient (its own AMQP connection), so crash() drops a connection
 * as a dying process would. On a session entity it holds one session at a time (acceptNextSession)
 * and moves on when that session is empty, which keeps each key with one consumer.
 */
export class ServiceBusConsumer implements Consumer {
  private receiver: ServiceBusReceiver | undefined;
  private readonly held = new Map<string, { message: ServiceBusReceivedMessage; receiver: ServiceBusReceiver }>();

  constructor(
    private readonly client: ServiceBusClient,
    private readonly path: { queue: string } | { topic: string; subscription: string },
    private readonly entity: string,
    private readonly options: ConsumerOptions,
    private readonly sessions: boolean,
    private readonly clock: Clock,
    /** Message id scope on existing entities (convert.ts scopedId). */
    private readonly idScope?: string,
  ) {}

  private receiveMode() {
    return this.options.mode === "receive-and-delete" ? ("receiveAndDelete" as const) : ("peekLock" as const);
  }

  private async open(waitMs: number): Promise<ServiceBusReceiver | undefined> {
    if (this.receiver) return this.receiver;
    const opts = { receiveMode: this.receiveMode(), ...NO_AUTO_RENEW };
    if (!this.sessions) {
      this.receiver = "queue" in this.path ? this.client.createReceiver(this.path.queue, opts) : this.client.createReceiver(this.path.topic, this.path.subscription, opts);
      return this.receiver;
    }
    try {
      // Accepting a session takes a link attach that the broker answers within the client's
      // operation timeout (the driver keeps it short). Aborting sooner would leave a session
      // locked by an attach nobody reads from, so the abort only guards against a lost answer.
      const session = { ...opts, abortSignal: AbortSignal.timeout(Math.max(waitMs, 5_000)) };
      this.receiver = "queue" in this.path ? await this.client.acceptNextSession(this.path.queue, session) : await this.client.acceptNextSession(this.path.topic, this.path.subscription, session);
      return this.receiver;
    } catch {
      return undefined; // no free session right now
    }
  }

  async receive(max: number, waitMs: number): Promise<Delivery[]> {
    const receiver = await this.open(waitMs);
    if (!receiver) return [];
    const got = await receiver.receiveMessages(max, { maxWaitTimeInMs: Math.max(waitMs, 1) });
    if (got.length === 0 && this.sessions && this.held.size === 0) {
      // An empty session goes back, so another key can be taken.
      this.receiver = undefined;
      await receiver.close().catch(() => {});
    }
    return got.map((m) => {
      const d = toDelivery(m, this.entity, this.clock, {}, this.idScope);
      if (d.lockToken) this.held.set(d.lockToken, { message: m, receiver });
      return d;
    });
  }

  private take(delivery: Delivery) {
    const h = delivery.lockToken ? this.held.get(delivery.lockToken) : undefined;
    if (!h) throw new DefiniteFailure(`no locked message ${delivery.lockToken} is held by this consumer`, "unknown-token");
    return h;
  }

  async settle(delivery: Delivery, outcome: SettleOutcome, options?: { reason?: string; description?: string }): Promise<void> {
    const { message, receiver } = this.take(delivery);
    try {
      const settling =
        outcome === "complete"
          ? receiver.completeMessage(message)
          : outcome === "abandon"
            ? receiver.abandonMessage(message)
            : outcome === "defer"
              ? receiver.deferMessage(message)
              : receiver.deadLetterMessage(message, { deadLetterReason: options?.reason ?? "dead-lettered", deadLetterErrorDescription: options?.description ?? "" });
      await (this.sessions ? untilLinkCloses(settling, receiver) : settling);
    } catch (err) {
      definite(err);
    } finally {
      this.held.delete(delivery.lockToken!);
    }
  }

  async renew(delivery: Delivery): Promise<number> {
    const { message, receiver } = this.take(delivery);
    try {
      return onClock(await receiver.renewMessageLock(message), this.clock);
    } catch (err) {
      definite(err);
    }
  }

  /** Close the connection without settling: the locks stay until they expire. */
  async crash(): Promise<void> {
    this.held.clear();
    await this.client.close().catch(() => {});
  }

  async close(): Promise<void> {
    await this.receiver?.close().catch(() => {});
    await this.client.close().catch(() => {});
  }
}
