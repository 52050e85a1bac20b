/**
 * The final drain of one Service Bus entity (or its dead-letter queue) through the SDK:
 * receive-and-delete until nothing receivable is left, waiting out locks held by crashed clients,
 * then take deferred messages by sequence number. Peeking decides when to stop: it shows active
 * (also locked), deferred and scheduled messages, so an empty or settled entity costs one
 * request instead of a timed-out receive.
 */
import type { ServiceBusClient, ServiceBusReceivedMessage, ServiceBusReceiver } from "@azure/service-bus";
import Long from "long";
import type { Clock } from "../../core/clock.js";
import type { Delivery } from "../../core/history.js";
import { NO_AUTO_RENEW } from "./consumer.js";
import { toDelivery } from "./convert.js";

/** A queue, or a topic's subscription. */
export type EntityPath = { queue: string } | { topic: string; subscription: string };

/** How long one drain receive waits for messages the broker has not handed over yet, ms. */
const RECEIVE_WAIT_MS = 50;
/** How many messages one peek looks at (scenarios hold far fewer). */
const PEEK_MAX = 1000;

/** What a drain needs to know about its source. */
export interface DrainTarget {
  client: ServiceBusClient;
  path: EntityPath;
  /** The logical source name recorded in deliveries. */
  source: string;
  dlq: boolean;
  sessions: boolean;
  /** Message id scope on existing entities (convert.ts scopedId). */
  idScope?: string;
  /** Wall-clock ms after which receivable-but-locked messages are no longer waited for. */
  quietUntil: number;
  clock: Clock;
  /** Accept the next session with messages (receive-and-delete), or reject when none frees up soon. */
  acceptNext(waitMs: number): Promise<ServiceBusReceiver>;
}

function receiver(t: DrainTarget, mode: "receiveAndDelete" | "peekLock"): ServiceBusReceiver {
  const opts = { receiveMode: mode, ...(t.dlq ? { subQueueType: "deadLetter" as const } : {}), ...NO_AUTO_RENEW };
  return "queue" in t.path ? t.client.createReceiver(t.path.queue, opts) : t.client.createReceiver(t.path.topic, t.path.subscription, opts);
}

/** Every message at the source from the first sequence number (the SDK keeps one peek cursor per link). */
async function peekAll(r: ServiceBusReceiver): Promise<ServiceBusReceivedMessage[] | undefined> {
  try {
    return await r.peekMessages(PEEK_MAX, { fromSequenceNumber: Long.ZERO });
  } catch {
    return undefined; // a broker that refuses this peek: fall back to waiting until quietUntil
  }
}

const anyActive = (peeked: ServiceBusReceivedMessage[] | undefined) => peeked === undefined || peeked.some((m) => m.state === "active");

/** Drain one source; see the module comment. */
export async function drainSource(t: DrainTarget): Promise<Delivery[]> {
  const extra: Partial<Delivery> = t.dlq ? { dlq: true } : {};
  const out: Delivery[] = [];
  const take = (got: ServiceBusReceivedMessage[], more: Partial<Delivery> = {}) => out.push(...got.map((m) => toDelivery(m, t.source, t.clock, { ...extra, ...more }, t.idScope)));
  const main = receiver(t, "receiveAndDelete");
  try {
    let peeked = await peekAll(main);
    if (t.sessions && !t.dlq) {
      // Sessions: take each session with messages in turn until nothing active is left.
      while (anyActive(peeked)) {
        const session = await t.acceptNext(Math.max(1, t.quietUntil - Date.now())).catch(() => undefined);
        if (session) {
          take(await receiveAll(session));
          await session.close().catch(() => {});
        } else if (Date.now() >= t.quietUntil) break;
        peeked = await peekAll(main);
      }
    } else {
      while (anyActive(peeked)) {
        const got = await main.receiveMessages(100, { maxWaitTimeInMs: RECEIVE_WAIT_MS });
        take(got);
        if (got.length === 0 && Date.now() >= t.quietUntil) break;
        peeked = await peekAll(main);
      }
    }
    // Deferred messages of a session entity belong to a session: only plain entities are looked at.
    const deferred = t.dlq || t.sessions ? [] : (peeked ?? []).filter((m) => m.state === "deferred" && m.sequenceNumber).map((m) => m.sequenceNumber!);
    if (deferred.length > 0) take(await takeDeferred(t, deferred), { deferred: true });
  } finally {
    await main.close().catch(() => {});
  }
  return out;
}

/** Receive until a receive comes back empty. */
async function receiveAll(r: ServiceBusReceiver): Promise<ServiceBusReceivedMessage[]> {
  const out: ServiceBusReceivedMessage[] = [];
  for (;;) {
    const got = await r.receiveMessages(100, { maxWaitTimeInMs: RECEIVE_WAIT_MS });
    out.push(...got);
    if (got.length === 0) return out;
  }
}

/** Deferred messages are invisible to receive: take them by sequence number and complete them. */
async function takeDeferred(t: DrainTarget, seqs: Long[]): Promise<ServiceBusReceivedMessage[]> {
  const peekLock = receiver(t, "peekLock");
  try {
    const taken = await peekLock.receiveDeferredMessages(seqs);
    for (const m of taken) await peekLock.completeMessage(m);
    return taken;
  } finally {
    await peekLock.close().catch(() => {});
  }
}
