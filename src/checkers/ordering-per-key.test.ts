import { describe, expect, it } from "vitest";
import type { Claims } from "../core/setup.js";
import { HistoryBuilder, delivery } from "./history-builder.test-helper.js";
import { orderingPerKey } from "./ordering-per-key.js";

const builder = (claims: Claims = { orderedPerKey: true }) =>
  new HistoryBuilder({ broker: "test", entities: [{ kind: "queue", name: "q" }], claims });
const check = (b: HistoryBuilder) => orderingPerKey.check(b.ops, { setup: b.setup });
const k = (id: string, key = "k") => ({ id, key });
const kd = (id: string, key = "k") => delivery(id, "q", 1, undefined, { key });

describe("ordering-per-key", () => {
  it("enforces batch order", () => {
    const b = builder().send("p1", "q", [k("m1"), k("m2")]).receive("c1", "q", [kd("m2"), kd("m1")], "receive-and-delete");
    const r = check(b);
    expect(r.valid).toBe(false);
    expect(r.anomalies["order-violation"]![0]).toMatchObject({ id: "m2", before: "m1", key: "k" });
  });

  it("does not order sends that overlapped in time", () => {
    const b = builder()
      .op("p1", "invoke", "send", { target: "q", messages: [k("m1")] })
      .op("p2", "invoke", "send", { target: "q", messages: [k("m2")] })
      .op("p1", "ok", "send", { target: "q", messages: [k("m1")] })
      .op("p2", "ok", "send", { target: "q", messages: [k("m2")] })
      .receive("c1", "q", [kd("m2"), kd("m1")], "receive-and-delete");
    expect(check(b).valid).toBe(true);
  });

  it("orders keys independently", () => {
    const b = builder().send("p1", "q", [k("a1", "a")]).send("p1", "q", [k("b1", "b")]).receive("c1", "q", [kd("b1", "b"), kd("a1", "a")], "receive-and-delete");
    expect(check(b).valid).toBe(true);
  });

  it("only counts violations when order is neither claimed nor configured", () => {
    const b = builder({}).send("p1", "q", [k("m1")]).send("p1", "q", [k("m2")]).receive("c1", "q", [kd("m2"), kd("m1")], "receive-and-delete");
    const r = check(b);
    expect(r).toMatchObject({ valid: true, notApplicable: true, counts: { "order-violation": 1 }, anomalies: {} });
  });

  it("is not applicable without keys", () => {
    const b = builder().send("p1", "q", ["m1"]).receive("c1", "q", [delivery("m1", "q", 1)], "receive-and-delete");
    expect(check(b)).toMatchObject({ valid: true, notApplicable: true });
  });

  it("reports each late message once, however many messages it overtook", () => {
    const b = builder().send("p1", "q", [k("m1")]).send("p1", "q", [k("m2")]).send("p1", "q", [k("m3")]);
    const r = check(b.receive("c1", "q", [kd("m3"), kd("m1"), kd("m2")], "receive-and-delete"));
    expect(r.counts["order-violation"]).toBe(1);
  });

  it("does not order first deliveries whose reads overlapped (a delayed reply)", () => {
    const b = builder().send("p1", "q", [k("m1")]).send("p1", "q", [k("m2")]);
    b.op("c1", "invoke", "receive", { source: "q", mode: "receive-and-delete" });
    b.receive("c2", "q", [kd("m2")], "receive-and-delete");
    b.op("c1", "ok", "receive", { source: "q", mode: "receive-and-delete", deliveries: [kd("m1")] });
    expect(check(b).valid).toBe(true);
    // The same deliveries from reads that did not overlap are a violation.
    const sequential = builder().send("p1", "q", [k("m1")]).send("p1", "q", [k("m2")]);
    sequential.receive("c2", "q", [kd("m2")], "receive-and-delete").receive("c1", "q", [kd("m1")], "receive-and-delete");
    expect(check(sequential).valid).toBe(false);
  });
});
