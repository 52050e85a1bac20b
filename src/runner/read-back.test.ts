import { describe, expect, it } from "vitest";
import type { EntitySpec } from "../core/entities.js";
import { settingMismatches } from "./read-back.js";

const kafkaTopic: EntitySpec = { kind: "queue", name: "orders", native: { partitions: 6, replicationFactor: 1, configs: { "min.insync.replicas": 1, "unclean.leader.election.enable": false, "retention.ms": 3_600_000 } } };

describe("settingMismatches", () => {
  it("judges Kafka configs the broker reports as text against the declared numbers and booleans", () => {
    const kept = { orders: { native: { partitions: 6, replicationFactor: 1, configs: { "min.insync.replicas": "1", "unclean.leader.election.enable": "false", "retention.ms": "3600000", "cleanup.policy": "delete" } } } };
    expect(settingMismatches([kafkaTopic], kept)).toEqual([]);
  });

  it("names every declared setting the broker changed, nested ones by their path", () => {
    const changed = { orders: { native: { partitions: 3, replicationFactor: 1, configs: { "min.insync.replicas": "1", "unclean.leader.election.enable": "true", "retention.ms": "3600000" } } } };
    expect(settingMismatches([kafkaTopic], changed)).toEqual([
      "orders: partitions declared 6, broker has 3",
      'orders: configs.unclean.leader.election.enable declared false, broker has "true"',
    ]);
  });

  it("does not judge what was not read back, and never takes text for a different value", () => {
    expect(settingMismatches([kafkaTopic], { orders: { native: { partitions: 6 } } })).toEqual([]);
    expect(settingMismatches([kafkaTopic], {})).toEqual([]);
    const q: EntitySpec = { kind: "queue", name: "q", lockDurationMs: 30_000, native: { arguments: { "x-delivery-limit": 4 } } };
    expect(settingMismatches([q], { q: { lockDurationMs: "30000", native: { arguments: { "x-delivery-limit": "4x" } } } })).toEqual([
      'q: lockDurationMs declared 30000, broker has "30000"',
      'q: arguments.x-delivery-limit declared 4, broker has "4x"',
    ]);
  });
});
