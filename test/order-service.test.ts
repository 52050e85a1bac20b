import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OrderService, orderTotal, startOrderService, validateOrder } from "../src/bench/http/order-service.js";
import { openBenchClient } from "../src/environments/start.js";

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
