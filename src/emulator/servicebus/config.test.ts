import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EmulatorConfigError, loadConfigFile, parseIsoDuration, resolveEntities } from "./config.js";
import { deliveryTagToLockToken, lockTokenToDeliveryTag, toDotNetTicks } from "./lock-token.js";

describe("lock tokens and ticks", () => {
  it("delivery tags use .NET Guid byte order (first three groups swapped)", () => {
    const tag = lockTokenToDeliveryTag("00112233-4455-6677-8899-aabbccddeeff");
    expect(tag.toString("hex")).toBe("33221100554477668899aabbccddeeff");
    expect(deliveryTagToLockToken(tag)).toBe("00112233-4455-6677-8899-aabbccddeeff");
  });
  it(".NET ticks of the Unix epoch", () => {
    expect(toDotNetTicks(0).readBigInt64BE()).toBe(621_355_968_000_000_000n);
    expect(toDotNetTicks(1).readBigInt64BE()).toBe(621_355_968_000_010_000n);
  });
});

describe("config", () => {
  it("reads the official Config.json shape", () => {
    const entities = resolveEntities(loadConfigFile(join(import.meta.dirname, "../../../fixtures/servicebus/Config.json")));
    expect(entities.map((e) => `${e.kind}:${e.name}`)).toEqual(["queue:orders", "queue:payments", "topic:events", "topic:notifications"]);
    const orders = entities[0]!;
    expect(orders.kind === "queue" && orders.settings).toMatchObject({ lockDurationMs: 5000, maxDeliveryCount: 3, duplicateDetectionMs: 20_000, defaultTtlMs: 3_600_000 });
  });
  it("parses ISO 8601 durations and refuses others", () => {
    expect(parseIsoDuration("PT0.2S")).toBe(200);
    expect(parseIsoDuration("P1DT1H")).toBe(25 * 3_600_000);
    expect(parseIsoDuration("P10675199DT2H48M5.4775807S")).toBe(Infinity);
    expect(parseIsoDuration("5s")).toBeUndefined();
    expect(parseIsoDuration("PT")).toBeUndefined();
  });
  it("refuses lock durations beyond 5 minutes, duplicate names and SQL filters that do not parse", () => {
    expect(() => resolveEntities([{ kind: "queue", name: "q", lockDurationMs: 300_001 }])).toThrow(EmulatorConfigError);
    expect(() => resolveEntities([{ kind: "queue", name: "q" }, { kind: "queue", name: "Q" }])).toThrow(/twice/);
    expect(() => resolveEntities([{ kind: "topic", name: "t", subscriptions: [{ name: "s", rules: [{ name: "r", sql: "color = 'red' AND" }] }] }])).toThrow(/t\/r: SQL filter .*unexpected/);
  });
});
