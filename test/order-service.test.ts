import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OrderService, orderTotal, startOrderService, validateOrder } from "../src/bench/http/order-service.js";
import { POSTGRES_INSTALL, type StartedPostgresNode, postgresInstalled, startPostgresNode } from "../src/brokers/local/postgres-node.js";
import { openBenchClient } from "../src/environments/start.js";
import { requireBroker } from "./broker-gate.js";

const post = (url: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${url}/orders`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });

describe("fixtures/order-service on memory://", () => {
  let service: OrderService;
  const events: unknown[] = [];
  beforeAll(async () => {
    service = await startOrderService({ broker: "memory://", port: 0 });
    await service.client.consume((p) => events.push(JSON.parse(p.toString("utf8"))));
  });
  afterAll(async () => service?.stop());

  it("rejects bad JSON and bad orders with 400, publishing nothing", async () => {
    const before = events.length;
    for (const body of ["{not json", "[]", JSON.stringify({ customerId: "c", items: [] }), JSON.stringify({ customerId: "c", items: [{ sku: "s", qty: 0, price: 1 }] }), JSON.stringify({ items: [{ sku: "s", qty: 1, price: 1 }] })]) {
      const r = await post(service.url, body);
      expect(r.status, body).toBe(400);
      expect(((await r.json()) as { error: string }).error).toBeTruthy();
    }
    expect(events.length).toBe(before);
    expect((await fetch(`${service.url}/orders`)).status).toBe(405);
    expect((await fetch(`${service.url}/nope`)).status).toBe(404);
  });

  it("answers 201 with an orderId after publishing one OrderPlaced event carrying the total and the request id", async () => {
    const r = await post(service.url, JSON.stringify({ customerId: "cust-12345", items: [{ sku: "prod-001", qty: 2, price: 29.99 }, { sku: "prod-042", qty: 1, price: 89.5 }] }), { "x-request-id": "req-1" });
    expect(r.status).toBe(201);
    expect(r.headers.get("x-request-id")).toBe("req-1");
    const { orderId, total } = (await r.json()) as { orderId: string; total: number };
    expect(orderId).toMatch(/^ord-/);
    expect(total).toBe(149.48);
    await new Promise((res) => setTimeout(res, 20));
    const mine = events.filter((e) => (e as { payload: { orderId: string } }).payload.orderId === orderId);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ eventType: "OrderPlaced", correlationId: "req-1", payload: { orderId, customerId: "cust-12345", total: 149.48 } });
    expect(Date.parse((mine[0] as { timestamp: string }).timestamp)).toBeGreaterThan(0);
  });

  it("declines a declined-… customer's payment: 402 with the orderId, nothing published", async () => {
    const before = events.length;
    const r = await post(service.url, JSON.stringify({ customerId: "declined-9", items: [{ sku: "s", qty: 1, price: 1 }] }));
    expect(r.status).toBe(402);
    expect(((await r.json()) as { orderId: string }).orderId).toMatch(/^ord-/);
    await new Promise((res) => setTimeout(res, 20));
    expect(events.length).toBe(before);
  });

  it("answers 503 when the publish is not acknowledged in time", async () => {
    const client = await openBenchClient("memory://?latency-ms=200");
    const slow = await startOrderService({ client, publishTimeoutMs: 20 });
    try {
      const r = await post(slow.url, JSON.stringify({ customerId: "c", items: [{ sku: "s", qty: 1, price: 1 }] }));
      expect(r.status).toBe(503);
      expect(((await r.json()) as { orderId: string }).orderId).toMatch(/^ord-/);
    } finally {
      await slow.stop();
      await client.close();
    }
  });

  it("validates and totals in cents", () => {
    expect(validateOrder(null)).toMatch(/JSON object/);
    expect(validateOrder({ customerId: "c", items: [{ sku: "s", qty: 1.5, price: 1 }] })).toMatch(/qty/);
    expect(orderTotal([{ sku: "a", qty: 3, price: 0.1 }])).toBe(0.3);
  });
});

// Issue 16: the outbox mode, on a real private PostgreSQL.
describe("fixtures/order-service in outbox mode (memory:// and a private PostgreSQL)", () => {
  if (!requireBroker("PostgreSQL 15", postgresInstalled(), POSTGRES_INSTALL)) return;
  let node: StartedPostgresNode;
  let service: OrderService;
  let db: pg.Client;
  const events: { payload: { orderId: string }; publishedBy?: string }[] = [];
  beforeAll(async () => {
    node = await startPostgresNode();
    service = await startOrderService({ broker: "memory://", outbox: { url: node.url, relays: 2 } });
    await service.client.consume((p) => events.push(JSON.parse(p.toString("utf8"))));
    db = new pg.Client({ connectionString: node.url });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await service?.stop();
    await node?.stop();
  });
  const until = async (cond: () => boolean) => {
    for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  };

  it("201 after the order and its outbox row committed; a relay publishes the event once and marks the row", async () => {
    expect(service.mode).toBe("outbox");
    const r = await post(service.url, JSON.stringify({ customerId: "cust-7", items: [{ sku: "s", qty: 2, price: 1.5 }] }), { "x-request-id": "req-7" });
    expect(r.status).toBe(201);
    const { orderId } = (await r.json()) as { orderId: string };
    const order = await db.query("SELECT customer_id, total::float AS total, request_id FROM orders WHERE id = $1", [orderId]);
    expect(order.rows).toEqual([{ customer_id: "cust-7", total: 3, request_id: "req-7" }]);
    await until(() => events.some((e) => e.payload.orderId === orderId));
    const mine = events.filter((e) => e.payload.orderId === orderId);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ eventType: "OrderPlaced", correlationId: "req-7", publishedBy: expect.stringMatching(/^relay-[12] pass \d+$/) });
    // The mark commits after the publish was acked: poll for it.
    const marked = () => db.query("SELECT published_at IS NOT NULL AS marked, published_by FROM outbox WHERE order_id = $1", [orderId]);
    let row = await marked();
    for (let i = 0; i < 100 && row.rows[0]?.marked !== true; i++) row = await new Promise((res) => setTimeout(res, 10)).then(marked);
    expect(row.rows).toEqual([{ marked: true, published_by: mine[0]!.publishedBy }]);
  });

  it("a declined payment rolls the transaction back: 402, no order row, no outbox row, no event", async () => {
    const r = await post(service.url, JSON.stringify({ customerId: "declined-1", items: [{ sku: "s", qty: 1, price: 1 }] }));
    expect(r.status).toBe(402);
    const { orderId } = (await r.json()) as { orderId: string };
    expect(orderId).toMatch(/^ord-/);
    expect((await db.query("SELECT 1 FROM orders WHERE id = $1", [orderId])).rowCount).toBe(0);
    expect((await db.query("SELECT 1 FROM outbox WHERE order_id = $1", [orderId])).rowCount).toBe(0);
    await new Promise((res) => setTimeout(res, 100));
    expect(events.filter((e) => e.payload.orderId === orderId)).toEqual([]);
  });
});
