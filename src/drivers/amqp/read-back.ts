import { type EffectiveQueue, type PolicyView, type QueueView, effectiveQueue } from "./effective.js";

/** Where the management API of the broker is (amqp:// `?management=`, or its default). */
export interface ManagementEndpoint {
  /** http(s)://host:port, never with credentials (it is printed). */
  url: string;
  /** The amqp:// URL's user and password (never printed). */
  user: string;
  password: string;
  vhost: string;
}

/** Read-back of a plan's RabbitMQ entities, or why it was not possible. */
export type ReadBack = { queues: Record<string, EffectiveQueue>; exchanges: Record<string, { type: string; durable: boolean }> } | { unavailable: string };

const TIMEOUT_MS = 5_000;

/**
 * Read the queues and exchanges Gauntlet declared back through the management HTTP API
 * (GET /api/queues, /api/exchanges, /api/policies, /api/operator-policies of the vhost), and
 * derive what the broker applies (effective.ts). An unreachable API, a refused login or a missing
 * plugin is not an error: the answer says read-back was not possible, and why.
 */
export async function readBack(m: ManagementEndpoint, queues: readonly string[], exchanges: readonly string[]): Promise<ReadBack> {
  const vhost = encodeURIComponent(m.vhost);
  const headers = { authorization: `Basic ${Buffer.from(`${m.user}:${m.password}`).toString("base64")}` };
  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${m.url}/api${path}`, { headers, signal: AbortSignal.timeout(TIMEOUT_MS) });
    if (!res.ok) throw new Error(`GET /api${path}: HTTP ${res.status}${res.status === 401 ? " (login refused)" : ""}`);
    return (await res.json()) as T;
  };
  try {
    const [policies, operator] = await Promise.all([get<PolicyView[]>(`/policies/${vhost}`), get<PolicyView[]>(`/operator-policies/${vhost}`).catch(() => [])]);
    const outQueues: Record<string, EffectiveQueue> = {};
    for (const name of queues) {
      const q = await get<QueueView & { type?: string }>(`/queues/${vhost}/${encodeURIComponent(name)}`);
      outQueues[name] = effectiveQueue(name, { type: q.type ?? "classic", durable: q.durable, arguments: q.arguments ?? {} }, policies, operator);
    }
    const outExchanges: Record<string, { type: string; durable: boolean }> = {};
    for (const name of exchanges) {
      const x = await get<{ type: string; durable: boolean }>(`/exchanges/${vhost}/${encodeURIComponent(name)}`);
      outExchanges[name] = { type: x.type, durable: x.durable };
    }
    return { queues: outQueues, exchanges: outExchanges };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const why = e.name === "TimeoutError" ? `no answer in ${TIMEOUT_MS / 1000} s` : (e.cause?.code ?? e.cause?.message ?? e.message);
    return { unavailable: `not read back: the management API at ${m.url} did not answer (${why}); enable the rabbitmq_management plugin, or point ?management= at it` };
  }
}
