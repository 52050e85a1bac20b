/**
 * A sample order service, the seeds' e-commerce example: `POST /orders` places an order and
 * publishes an `OrderPlaced` event through a Gauntlet bench client (memory://, amqp://, kafka://).
 *
 *   POST /orders  {"customerId": "cust-1", "items": [{"sku": "sku-1", "qty": 2, "price": 29.99}]}
 *     201 {"orderId": "ord-…", "total": 59.98}   only after the broker acknowledged the publish
 *                                                 (so a 2xx means the event is durable)
 *     400 {"error": "…"}                         bad JSON or a bad order (nothing published)
 *     503 {"error": "…", "orderId": "ord-…"}     the publish failed or timed out (the event may
 *                                                 still exist if the broker stored it unacknowledged)
 *   GET /health   200 {"ok": true}
 *
 * An `x-request-id` request header is echoed in the response and carried into the event as its
 * `correlationId`, so a consumer can match each event to the request that caused it.
 *
 * Plain node:http, no framework. Programmatic: `startOrderService({ broker, port })`. Standalone
 * (after `npm run build`), through the copy in fixtures/ that users read:
 *
 *   node dist/fixtures/order-service/server.js --broker memory:// --port 3000 [--print-events] [--defect duplicate-publish]
 *
 * Payment: a customer whose id starts with `declined-` is declined: 402 {"error": …, "orderId"}, and
 * no event may exist for the order (the bench's --declined-orders sends such customers).
 *
 * Outbox mode (`outbox: { url }`, order-outbox.ts): the order row and its OrderPlaced outbox row are
 * written in one PostgreSQL transaction (a decline rolls it back), 201 after the COMMIT, and relays
 * publish the outbox rows to the broker and mark them: the event is not yet published when 201
 * leaves, but it will be, at least once, even if the broker is down at that moment.
 *
 * Defects (deliberate bugs, for showing that `gauntlet bench http` catches them), every 10th order:
 *   duplicate-publish   publishes the event twice (a naive retry after the ack)     → "duplicated"
 *   skip-publish        answers 201 without publishing                             → "missing"
 *   publish-then-fail   publishes, then answers 500                                → "unexpected"
 */
import { randomBytes } from "node:crypto";
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { BenchClient } from "../../core/bench-client.js";
import { openBenchClient } from "../../environments/start.js";
import { type OutboxDefect, OrderOutbox, isOutboxDefect } from "./order-outbox.js";

export const ORDER_SERVICE_DEFECTS = {
  "duplicate-publish": "every 10th order's OrderPlaced event is published twice (201 once): the bench reports it duplicated",
  "skip-publish": "every 10th order is answered 201 without publishing: the bench reports it missing",
  "publish-then-fail": "every 10th order is published, then answered 500: the bench reports an unexpected event",
} as const;

export type OrderServiceDefect = keyof typeof ORDER_SERVICE_DEFECTS;

export function isOrderServiceDefect(name: string): name is OrderServiceDefect {
  return Object.hasOwn(ORDER_SERVICE_DEFECTS, name);
}

export interface OrderServiceOptions {
  /** A broker URL: the service opens (and on stop closes) its own bench client. */
  broker?: string;
  /** Or an open bench client, owned by the caller (its consumer reads the same destination). */
  client?: BenchClient;
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  host?: string;
  defect?: OrderServiceDefect;
  /** Publish acknowledgement timeout before answering 503 (default 5 s). */
  publishTimeoutMs?: number;
  /**
   * Outbox mode: a PostgreSQL URL of a throwaway database (the service drops and creates its
   * tables `orders` and `outbox`), the number of relays (default 2) and an outbox defect.
   */
  outbox?: { url: string; relays?: number; defect?: OutboxDefect };
  /** How long stop() lets the relays publish what is pending (default 10 s). */
  relayDrainMs?: number;
}

export interface OrderService {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly client: BenchClient;
  /** Orders accepted (201) so far. */
  readonly placed: () => number;
  /** "outbox" when orders go through the transactional outbox. */
  readonly mode: "direct" | "outbox";
  /** Relay passes that failed (a broker or database error; the rows stay pending and are retried), by name. */
  readonly failedRelayPasses: () => string[];
  /** Stop accepting connections, wait for requests in progress, close the client if the service opened it. */
  stop(): Promise<void>;
}

export interface OrderItem {
  sku: string;
  qty: number;
  price: number;
}

export interface OrderPlaced {
  eventType: "OrderPlaced";
  eventId: string;
  /** When the service published the event (wall clock, ISO 8601). */
  timestamp: string;
  /** The request's x-request-id, when it had one. */
  correlationId?: string;
  /** Outbox mode: the relay pass that published this copy (`relay-1 pass 3`), for diagnosing duplicates. */
  publishedBy?: string;
  payload: { orderId: string; customerId: string; items: OrderItem[]; total: number };
}

const MAX_BODY = 64 * 1024;
const DEFECT_EVERY = 10;
/** Customers whose payment the sample service declines. */
export const DECLINED_CUSTOMER_PREFIX = "declined-";

/** A bad order's reason, or the order. */
export function validateOrder(body: unknown): { customerId: string; items: OrderItem[] } | string {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return "the body must be a JSON object";
  const { customerId, items } = body as { customerId?: unknown; items?: unknown };
  if (typeof customerId !== "string" || customerId.length === 0 || customerId.length > 100) return "customerId must be a non-empty string (at most 100 characters)";
  if (!Array.isArray(items) || items.length === 0 || items.length > 100) return "items must be an array of 1 to 100 items";
  const clean: OrderItem[] = [];
  for (const [i, item] of items.entries()) {
    const { sku, qty, price } = (item ?? {}) as { sku?: unknown; qty?: unknown; price?: unknown };
    if (typeof sku !== "string" || sku.length === 0 || sku.length > 100) return `items[${i}].sku must be a non-empty string`;
    if (typeof qty !== "number" || !Number.isInteger(qty) || qty < 1 || qty > 10_000) return `items[${i}].qty must be a whole number from 1 to 10000`;
    if (typeof price !== "number" || !Number.isFinite(price) || price < 0 || price > 1_000_000) return `items[${i}].price must be a number from 0 to 1000000`;
    clean.push({ sku, qty, price });
  }
  return { customerId, items: clean };
}

/** The order total in currency units, summed in cents. */
export function orderTotal(items: readonly OrderItem[]): number {
  return items.reduce((cents, it) => cents + Math.round(it.price * 100) * it.qty, 0) / 100;
}

/** Start the service; resolves once it listens. */
export async function startOrderService(options: OrderServiceOptions): Promise<OrderService> {
  if (!options.client && !options.broker) throw new Error("startOrderService: give a broker URL or a bench client");
  if (options.defect !== undefined && !isOrderServiceDefect(options.defect)) throw new Error(`startOrderService: unknown defect "${String(options.defect)}"`);
  if (options.outbox?.defect !== undefined && !isOutboxDefect(options.outbox.defect)) throw new Error(`startOrderService: unknown outbox defect "${String(options.outbox.defect)}"`);
  if (options.outbox && options.defect !== undefined) throw new Error("startOrderService: the direct-publish defects do not apply in outbox mode (give outbox.defect)");
  const owned = !options.client;
  const client = options.client ?? (await openBenchClient(options.broker!));
  let outbox: OrderOutbox | undefined;
  const failedRelayPasses: string[] = [];
  if (options.outbox) {
    outbox = new OrderOutbox(options.outbox.url, options.outbox.defect);
    try {
      await outbox.reset();
    } catch (err) {
      await outbox.close();
      if (owned) await client.close().catch(() => {});
      throw err;
    }
  }
  const publishTimeoutMs = options.publishTimeoutMs ?? 5_000;
  const prefix = `ord-${randomBytes(3).toString("hex")}-`;
  let seq = 0;
  let placed = 0;
  const inProgress = new Set<Promise<void>>();

  const publish = (event: { payload: { orderId: string } }): Promise<void> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no broker ack within ${publishTimeoutMs} ms`)), publishTimeoutMs);
    });
    return Promise.race([client.sendOne(Buffer.from(JSON.stringify(event)), event.payload.orderId), timeout]).finally(() => clearTimeout(timer));
  };

  const placeOrder = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestId = header(req, "x-request-id");
    if (requestId !== undefined) res.setHeader("x-request-id", requestId);
    let text: string;
    try {
      text = await readBody(req);
    } catch (err) {
      return reply(res, 413, { error: (err as Error).message });
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return reply(res, 400, { error: "the body is not valid JSON" });
    }
    const order = validateOrder(body);
    if (typeof order === "string") return reply(res, 400, { error: order });
    const n = ++seq;
    const orderId = `${prefix}${n}`;
    const total = orderTotal(order.items);
    const event = (): OrderPlaced => ({
      eventType: "OrderPlaced",
      eventId: `evt-${randomBytes(6).toString("hex")}`,
      timestamp: new Date().toISOString(),
      ...(requestId !== undefined ? { correlationId: requestId } : {}),
      payload: { orderId, customerId: order.customerId, items: order.items, total },
    });
    const declined = order.customerId.startsWith(DECLINED_CUSTOMER_PREFIX);
    if (outbox) {
      let committed: boolean;
      try {
        committed = await outbox.placeOrder(event(), total, order.items, requestId, () => !declined, publish);
      } catch (err) {
        return reply(res, 503, { error: `could not store the order: ${(err as Error).message}`, orderId });
      }
      if (!committed) return reply(res, 402, { error: "payment declined: the order's transaction was rolled back", orderId });
      placed++;
      return reply(res, 201, { orderId, total });
    }
    if (declined) return reply(res, 402, { error: "payment declined: the order was not placed", orderId });
    const defective = options.defect !== undefined && n % DEFECT_EVERY === 0;
    try {
      if (!(defective && options.defect === "skip-publish")) await publish(event());
      if (defective && options.defect === "duplicate-publish") await publish(event());
    } catch (err) {
      return reply(res, 503, { error: `could not publish OrderPlaced: ${(err as Error).message}`, orderId });
    }
    if (defective && options.defect === "publish-then-fail") return reply(res, 500, { error: "internal error after publishing", orderId });
    placed++;
    reply(res, 201, { orderId, total });
  };

  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/health" && req.method === "GET") return reply(res, 200, { ok: true });
    if (path !== "/orders") return reply(res, 404, { error: "not found" });
    if (req.method !== "POST") {
      res.setHeader("allow", "POST");
      return reply(res, 405, { error: "use POST /orders" });
    }
    const work = placeOrder(req, res).catch((err: unknown) => {
      if (!res.headersSent) reply(res, 500, { error: (err as Error).message });
    });
    inProgress.add(work);
    void work.finally(() => inProgress.delete(work));
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  }).catch(async (err: unknown) => {
    await outbox?.close();
    if (owned) await client.close().catch(() => {});
    throw err;
  });
  const { port } = server.address() as AddressInfo;
  outbox?.startRelays(options.outbox?.relays ?? 2, publish, (pass) => failedRelayPasses.push(pass));

  let stopping: Promise<void> | undefined;
  return {
    url: `http://${options.host ?? "127.0.0.1"}:${port}`,
    client,
    placed: () => placed,
    mode: outbox ? "outbox" : "direct",
    failedRelayPasses: () => [...failedRelayPasses],
    stop: () =>
      (stopping ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await Promise.allSettled([...inProgress]);
        server.closeAllConnections();
        await closed;
        if (outbox) {
          await outbox.stopRelays(options.relayDrainMs ?? 10_000);
          await outbox.close();
        }
        if (owned) await client.close();
      })()),
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s === undefined || s.length > 200 ? undefined : s;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error(`the body exceeds ${MAX_BODY} bytes`));
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}
