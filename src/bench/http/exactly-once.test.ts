import { describe, expect, it } from "vitest";
import { checkExactlyOnce } from "./exactly-once.js";
import { isBadOrder } from "./run.js";

describe("checkExactlyOnce", () => {
  const requests = [
    { requestId: "r1", status: 201, orderId: "o1" },
    { requestId: "r2", status: 201, orderId: "o2" },
    { requestId: "r3", status: 400 },
    { requestId: "r4", status: 503, orderId: "o4" },
    { requestId: "r5" },
  ];

  it("passes when every 2xx order has exactly one event and no other order has one", () => {
    const r = checkExactlyOnce(requests, [{ orderId: "o1", requestId: "r1" }, { orderId: "o2", requestId: "r2" }]);
    expect(r).toMatchObject({ ok: true, accepted: 2, rejected: 2, unanswered: 1, missing: 0, duplicated: 0, unexpected: 0 });
  });

  it("names missing, duplicated and unexpected events", () => {
    const r = checkExactlyOnce(requests, [
      { orderId: "o2", requestId: "r2" },
      { orderId: "o2", requestId: "r2" },
      { orderId: "o2", requestId: "r2" },
      { orderId: "o4", requestId: "r4" },
      { orderId: "ox", requestId: "r99" },
      {},
    ]);
    expect(r).toMatchObject({ ok: false, missing: 1, duplicated: 1, extraEvents: 2, unexpected: 3 });
    expect(r.examples.missing).toEqual(["o1"]);
    expect(r.examples.duplicated).toEqual(["o2 ×3"]);
    expect(r.examples.unexpected[0]).toBe("o4 (request r4 answered 503)");
  });

  it("does not judge an event for a request that never got a response", () => {
    const r = checkExactlyOnce(requests, [{ orderId: "o1", requestId: "r1" }, { orderId: "o2", requestId: "r2" }, { orderId: "o5", requestId: "r5" }]);
    expect(r).toMatchObject({ ok: true, unansweredWithEvent: 1 });
  });

  it("a 2xx without an orderId counts as missing", () => {
    expect(checkExactlyOnce([{ requestId: "r1", status: 200 }], [])).toMatchObject({ ok: false, missing: 1 });
  });

  it("spreads bad orders evenly", () => {
    const bad = Array.from({ length: 200 }, (_, i) => isBadOrder(i + 1, 5)).filter(Boolean).length;
    expect(bad).toBe(10);
    expect(isBadOrder(7, 0)).toBe(false);
  });
});
