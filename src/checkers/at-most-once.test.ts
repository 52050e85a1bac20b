import { describe, expect, it } from "vitest";
import { atMostOnce } from "./at-most-once.js";
import { HistoryBuilder } from "./history-builder.test-helper.js";

describe("at-most-once", () => {
  const setup = { broker: "test", entities: [{ kind: "queue" as const, name: "q", lockDurationMs: 1 }] };

  it("counts the ids a crashed receive-and-delete consumer held, says so, and stays valid", () => {
    const b = new HistoryBuilder(setup);
    b.send("p1", "q", ["m1", "m2"]);
    b.receive("c1", "q", [{ id: "m1", entity: "q" }, { id: "m2", entity: "q" }], "receive-and-delete");
    b.call("c1", "crash", { reason: "client crash before settling", unprocessed: ["m1", "m2"] }, "info");
    const r = atMostOnce.check(b.ops, { setup });
    expect(r.valid).toBe(true);
    expect(r.counts["lost-unprocessed"]).toBe(2);
    expect(r.reason).toMatch(/at-most-once: 2 message/);
  });

  it("is silent when no consumer crashed holding messages", () => {
    const b = new HistoryBuilder(setup);
    b.send("p1", "q", ["m1"]);
    b.receive("c1", "q", [{ id: "m1", entity: "q" }], "receive-and-delete");
    b.call("c1", "crash", { reason: "client crash before settling" }, "info");
    const r = atMostOnce.check(b.ops, { setup });
    expect(r.counts["lost-unprocessed"]).toBeUndefined();
    expect(r.reason).toBeUndefined();
  });
});
