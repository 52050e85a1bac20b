import { describe, expect, it } from "vitest";
import { UsageError } from "../../core/errors.js";
import { PROTOCOL_FAULTS, protocolFaultsOf, protocolStepProblem } from "../../core/faults.js";
import { checkProtocolStep, ruleFor } from "./faults.js";

describe("protocol fault steps", () => {
  it("every protocol fault belongs to one protocol and has a rule", () => {
    const proxied = [...protocolFaultsOf("amqp-0-9-1"), ...protocolFaultsOf("kafka")];
    // AMQP 1.0 faults act inside the Service Bus emulator, not through the proxy.
    expect([...proxied, ...protocolFaultsOf("amqp-1.0")].sort()).toEqual([...PROTOCOL_FAULTS].sort());
    for (const name of proxied) expect(ruleFor({ name, atMs: 0, durationMs: 10 }).nth).toBe(1);
  });

  it("maps params onto the trigger: nth, a delivery tag, a storm's count", () => {
    expect(ruleFor({ name: "lost-confirm", atMs: 0, durationMs: 10, params: { tag: 7 } })).toMatchObject({ dir: "to-client", kinds: ["basic.ack", "basic.nack"], tag: 7, action: { do: "drop-close" } });
    expect(ruleFor({ name: "lost-consumer-ack", atMs: 0, durationMs: 10, params: { nth: 2 } })).toMatchObject({ dir: "to-broker", kinds: ["basic.ack"], nth: 2 });
    expect(ruleFor({ name: "not-leader", atMs: 0, durationMs: 10, params: { count: 4 } })).toMatchObject({ dir: "to-broker", kinds: ["Produce"], count: 4, action: { do: "answer" } });
    expect(ruleFor({ name: "rebalance-in-progress", atMs: 0, durationMs: 10, params: { count: 2 } })).toMatchObject({ dir: "to-broker", kinds: ["Heartbeat"], count: 2, action: { do: "answer" } });
    expect(ruleFor({ name: "connection-blocked", atMs: 0, durationMs: 10, params: { delay: 50 } })).toMatchObject({ dir: "to-broker", kinds: ["basic.publish"], action: { do: "hold", ms: 50 } });
    expect(ruleFor({ name: "channel-close", atMs: 0, durationMs: 10, params: { nth: 3 } })).toMatchObject({ dir: "to-broker", kinds: ["basic.publish"], nth: 3, action: { do: "close-channel" } });
  });

  it("names a trigger that can never match, and a fault of the other protocol (exit 3)", () => {
    expect(protocolStepProblem({ name: "lost-confirm", params: { nth: 0 } })).toMatch(/nth 0 can never match/);
    expect(protocolStepProblem({ name: "not-leader", params: { count: 1.5 } })).toMatch(/count 1.5 can never match/);
    expect(protocolStepProblem({ name: "lost-produce-response", params: { tag: 1 } })).toMatch(/no parameter "tag"/);
    expect(protocolStepProblem({ name: "latency", params: { latency: 0 } })).toBeUndefined();
    expect(protocolStepProblem({ name: "channel-close", params: { code: 500 } })).toMatch(/code 500 is not a channel error.*406 or 541/);
    expect(protocolStepProblem({ name: "channel-close", params: { code: 406 } })).toBeUndefined();
    expect(protocolStepProblem({ name: "delayed-confirm", params: { delay: 0, tag: 1 } })).toBeUndefined();
    const err = (() => {
      try {
        checkProtocolStep("kafka", { name: "lost-confirm", atMs: 0, durationMs: 10 });
      } catch (e) {
        return e as UsageError;
      }
    })();
    expect(err).toBeInstanceOf(UsageError);
    expect(err!.message).toMatch(/lost-confirm: the kafka protocol has no such frame/);
    expect(err!.fix).toMatch(/lost-produce-response, lost-commit-response, coordinator-loading, produce-timed-out, rebalance-in-progress, not-leader/);
  });
});
