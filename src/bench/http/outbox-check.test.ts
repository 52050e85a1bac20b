import { describe, expect, it } from "vitest";
import { checkOrderOutbox } from "./outbox-check.js";

const info = { database: "db", relays: 2, failedRelayPasses: [] as string[] };
const db = { committed: [{ id: "o1", aggregate: "c1" }, { id: "o2", aggregate: "c1" }], pendingRows: 0 };
const requests = [
  { requestId: "r1", status: 201, orderId: "o1" },
  { requestId: "r2", status: 201, orderId: "o2" },
  { requestId: "r3", status: 402, orderId: "o3" },
];

describe("checkOrderOutbox (bench http --outbox)", () => {
  it("every committed order published once, none for the declined one: ok", () => {
    const r = checkOrderOutbox(db, requests, [{ orderId: "o2", publishedBy: "relay-2" }, { orderId: "o1", publishedBy: "relay-1" }], info);
    expect(r).toMatchObject({ ok: true, committed: 2, rolledBack: 1, published: 2, violations: {} });
  });

  it("names a lost event, an event for the rolled-back order and a duplicate from two relays", () => {
    const r = checkOrderOutbox(db, requests, [{ orderId: "o1", publishedBy: "relay-1 pass 1" }, { orderId: "o1", publishedBy: "relay-2 pass 1" }, { orderId: "o3", publishedBy: "the order service" }], info);
    expect(r.ok).toBe(false);
    expect(r.violations).toEqual({ "event lost": 1, "event for a rolled-back transaction": 1, "event published twice without a crash": 1 });
    expect(r.examples.join("\n")).toMatch(/o3 was rolled back, yet its event was published by the order service/);
  });

  it("a duplicate from a relay pass that failed (its marks rolled back) is at-least-once, not a violation", () => {
    const events = [{ orderId: "o1", publishedBy: "relay-1 pass 1" }, { orderId: "o1", publishedBy: "relay-1 pass 2" }, { orderId: "o2", publishedBy: "relay-1 pass 2" }];
    expect(checkOrderOutbox(db, requests, events, info).violations).toEqual({ "event published twice without a crash": 1 });
    const r = checkOrderOutbox(db, requests, events, { ...info, failedRelayPasses: ["relay-1 pass 1"] });
    expect(r).toMatchObject({ ok: true, relayErrors: 1 });
  });

  it("the HTTP answers must agree with the database", () => {
    const r = checkOrderOutbox({ committed: [{ id: "o1", aggregate: "c1" }, { id: "o3", aggregate: "c3" }], pendingRows: 1 }, requests, [{ orderId: "o1", publishedBy: "relay-1" }, { orderId: "o3", publishedBy: "relay-1" }], info);
    expect(r.violations).toEqual({ "201 for an order not committed": 1, "402 for a committed order": 1 });
    expect(r.pendingRows).toBe(1);
  });
});
