import { type ServiceBusClient, isServiceBusError } from "@azure/service-bus";
import { type EntitySpec, settingsOf } from "../../core/entities.js";
import { NO_AUTO_RENEW } from "./consumer.js";

/** At most this many messages are peeked per address: enough to say "not empty". */
const PEEK_MAX = 100;
/** How long to wait for a session with messages on a session entity before calling it empty. */
const SESSION_WAIT_MS = 1_500;

type Path = { queue: string } | { topic: string; subscription: string };

/**
 * Messages held at each receivable address of existing entities, and in its dead-letter queue,
 * by peeking (nothing is received or settled; a session entity's session is locked for the peek
 * and released). Rejects naming an entity that does not exist.
 */
export async function peekExisting(client: ServiceBusClient, entities: readonly EntitySpec[], pathOf: (address: string) => Path): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const addresses = entities.flatMap((e) => (e.kind === "queue" ? [e.name] : e.subscriptions.map((s) => `${e.name}/${s.name}`)));
  for (const address of addresses) {
    const path = pathOf(address);
    try {
      const dlq = "queue" in path ? client.createReceiver(path.queue, { subQueueType: "deadLetter" }) : client.createReceiver(path.topic, path.subscription, { subQueueType: "deadLetter" });
      const dead = await dlq.peekMessages(PEEK_MAX).finally(() => dlq.close());
      out[address] = dead.length + (settingsOf(address, entities)?.orderedKeys ? await peekSessions(client, path) : await peekPlain(client, path));
    } catch (err) {
      if (isServiceBusError(err) && err.code === "MessagingEntityNotFound") throw new Error(`no ${"queue" in path ? `queue "${path.queue}"` : `subscription "${path.topic}/${path.subscription}"`} in the namespace`);
      throw err;
    }
  }
  return out;
}

async function peekPlain(client: ServiceBusClient, path: Path): Promise<number> {
  const r = "queue" in path ? client.createReceiver(path.queue) : client.createReceiver(path.topic, path.subscription);
  return (await r.peekMessages(PEEK_MAX).finally(() => r.close())).length;
}

/** A session entity holds messages iff some session can be accepted; its messages are peeked, the session released. */
async function peekSessions(client: ServiceBusClient, path: Path): Promise<number> {
  const opts = { abortSignal: AbortSignal.timeout(SESSION_WAIT_MS), ...NO_AUTO_RENEW };
  const session = await ("queue" in path ? client.acceptNextSession(path.queue, opts) : client.acceptNextSession(path.topic, path.subscription, opts)).catch((err: unknown) => {
    if (isServiceBusError(err) && err.code === "MessagingEntityNotFound") throw err;
    return undefined; // no session with messages within the wait: empty
  });
  if (!session) return 0;
  return Math.max(1, (await session.peekMessages(PEEK_MAX).finally(() => session.close())).length);
}
