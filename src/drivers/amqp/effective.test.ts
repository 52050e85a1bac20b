import { describe, expect, it } from "vitest";
import { describeReadBack } from "./describe.js";
import { effectiveQueue, matchingPolicy } from "./effective.js";
import { settingMismatches } from "../../runner/read-back.js";

const policy = (name: string, pattern: string, definition: Record<string, unknown>, priority = 0) => ({ name, pattern, "apply-to": "queues", priority, definition });

describe("effectiveQueue (what RabbitMQ applies, from the management API's view)", () => {
  it("keeps stored arguments when no policy matches", () => {
    const q = effectiveQueue("gauntlet.ab.orders", { type: "quorum", durable: true, arguments: { "x-delivery-limit": 4 } }, [policy("other", "^billing\\.", { "delivery-limit": 1 })], []);
    expect(q).toEqual({ type: "quorum", durable: true, arguments: { "x-delivery-limit": 4 } });
  });

  it("takes the smaller of argument, policy and operator policy for numeric limits, naming who changed it", () => {
    const q = effectiveQueue("gauntlet.ab.orders", { type: "quorum", durable: true, arguments: { "x-delivery-limit": 4, "x-max-length": 10 } }, [policy("low", "^gauntlet\\.", { "delivery-limit": 1, "max-length": 50 }), policy("lower-priority", ".*", { "delivery-limit": 0 }, -1)], [policy("ops", ".*", { "max-length": 5 })]);
    expect(q.arguments).toEqual({ "x-delivery-limit": 1, "x-max-length": 5 });
    expect(q.changedBy).toEqual({ "x-delivery-limit": 'policy "low" sets delivery-limit 1', "x-max-length": 'operator policy "ops" sets max-length 5' });
    expect(q.policy?.name).toBe("low");
  });

  it("applies drop-head for reject-publish-dlx on a quorum queue, not on a classic one", () => {
    const args = { "x-max-length": 2, "x-overflow": "reject-publish-dlx" };
    expect(effectiveQueue("q", { type: "quorum", durable: true, arguments: args }, [], []).arguments["x-overflow"]).toBe("drop-head");
    expect(effectiveQueue("q", { type: "classic", durable: true, arguments: args }, [], []).arguments["x-overflow"]).toBe("reject-publish-dlx");
  });

  it("picks the highest-priority matching policy and ignores exchange policies and bad patterns", () => {
    const ps = [policy("a", "^q", {}, 1), policy("b", "^q", {}, 5), { ...policy("x", "^q", {}, 9), "apply-to": "exchanges" }, policy("bad", "(", {}, 10)];
    expect(matchingPolicy("queue", ps)?.name).toBe("b");
    const typed = [{ ...policy("qq", "^q", {}, 3), "apply-to": "quorum_queues" }, { ...policy("cq", "^q", {}, 2), "apply-to": "classic_queues" }];
    expect(matchingPolicy("queue", typed, "quorum")?.name).toBe("qq");
    expect(matchingPolicy("queue", typed, "classic")?.name).toBe("cq");
  });
});

describe("describeReadBack + settingMismatches", () => {
  const declared = [{ address: "orders", queue: "gauntlet.ab.orders", native: { type: "quorum", arguments: { "x-delivery-limit": 4, "x-dead-letter-exchange": "dlx", "x-single-active-consumer": true } }, sent: { "x-delivery-limit": 4, "x-dead-letter-exchange": "", "x-dead-letter-routing-key": "gauntlet.ab.orders.dlq", "x-single-active-consumer": true, "x-queue-type": "quorum" } }];
  const stored = { "x-delivery-limit": 4, "x-dead-letter-exchange": "", "x-dead-letter-routing-key": "gauntlet.ab.orders.dlq", "x-single-active-consumer": true, "x-queue-type": "quorum" };
  const entity = { kind: "queue" as const, name: "orders", native: declared[0]!.native };

  it("a kept configuration reads back in the plan's words (the private dead-letter route given as declared) and passes", () => {
    const d = describeReadBack(declared, { queues: { "gauntlet.ab.orders": { type: "quorum", durable: true, arguments: stored } }, exchanges: {} });
    expect((d.orders!.native as { arguments: unknown }).arguments).toMatchObject({ "x-delivery-limit": 4, "x-dead-letter-exchange": "dlx" });
    expect(settingMismatches([entity], d)).toEqual([]);
  });

  it("names a changed type, a lowered limit and a missing argument", () => {
    const q = effectiveQueue("gauntlet.ab.orders", { type: "classic", durable: true, arguments: { ...stored, "x-single-active-consumer": undefined } }, [policy("p", "^gauntlet", { "delivery-limit": 2 })], []);
    delete q.arguments["x-single-active-consumer"];
    const d = describeReadBack(declared, { queues: { "gauntlet.ab.orders": q }, exchanges: {} });
    expect(settingMismatches([entity], d)).toEqual(["orders: type declared \"quorum\", broker has \"classic\"", "orders: arguments.x-delivery-limit declared 4, broker has 2", "orders: arguments.x-single-active-consumer declared true, broker has null"]);
  });

  it("says read-back was not possible, and judges nothing then", () => {
    const d = describeReadBack(declared, { unavailable: "not read back: the management API at http://127.0.0.1:1 did not answer (ECONNREFUSED)" });
    expect(d).toEqual({ orders: { readBack: "not read back: the management API at http://127.0.0.1:1 did not answer (ECONNREFUSED)" } });
    expect(settingMismatches([entity], d)).toEqual([]);
  });
});
