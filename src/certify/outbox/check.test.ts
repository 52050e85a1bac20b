import { describe, expect, it } from "vitest";
import { checkOutbox } from "./check.js";

const committed = [
  { id: "o1", aggregate: "a1" },
  { id: "o2", aggregate: "a1" },
];
const kinds = (o: Parameters<typeof checkOutbox>[0], claims = { orderPerAggregate: true }) => checkOutbox(o, claims).map((v) => `${v.kind} ${v.orderId}`);

describe("checkOutbox", () => {
  it("every committed order published once, in order: no violation", () => {
    expect(kinds({ committed, rolledBack: [], published: [{ orderId: "o1", by: "r1" }, { orderId: "o2", by: "r1" }], crashed: [] })).toEqual([]);
  });
  it("a duplicate from a relay that crashed is allowed; one from two live relays is not", () => {
    const published = [{ orderId: "o1", by: "r1" }, { orderId: "o1", by: "r2" }, { orderId: "o2", by: "r2" }];
    expect(kinds({ committed, rolledBack: [], published, crashed: ["r1"] })).toEqual([]);
    expect(kinds({ committed, rolledBack: [], published, crashed: [] })).toEqual(["event published twice without a crash o1"]);
  });
  it("names a lost event, an event of a rolled-back order and a broken order", () => {
    expect(kinds({ committed, rolledBack: ["o3"], published: [{ orderId: "o2", by: "r1" }, { orderId: "o3", by: "w" }], crashed: [] })).toEqual(["event lost o1", "event for a rolled-back transaction o3"]);
    expect(kinds({ committed, rolledBack: [], published: [{ orderId: "o2", by: "r1" }, { orderId: "o1", by: "r1" }], crashed: [] })).toEqual(["order broken o1"]);
    expect(kinds({ committed, rolledBack: [], published: [{ orderId: "o2", by: "r1" }, { orderId: "o1", by: "r1" }], crashed: [] }, { orderPerAggregate: false })).toEqual([]);
  });
});
