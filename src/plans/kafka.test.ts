import { describe, expect, it } from "vitest";
import { deriveClaims } from "./claims.js";
import { planBrokerUrl } from "./broker-url.js";
import { kafkaPlanFromTopics } from "./importers/kafka.js";
import { kafkaProducerOf } from "./kafka.js";
import { resolvePlan } from "./resolve.js";
import type { KafkaPlan } from "./schema.js";
import { planProblems, validatePlan } from "./validate.js";

const kafka = (extra: Record<string, unknown> = {}, settings: Record<string, unknown> = {}) => ({ gauntlet: "plan", version: 1, family: "kafka", entities: [{ kind: "topic", name: "orders", settings }], ...extra });
const plan = (extra: Record<string, unknown> = {}, settings: Record<string, unknown> = {}) => validatePlan(kafka(extra, settings)) as KafkaPlan;
const claimed = (p: KafkaPlan) => deriveClaims(p).claims.map((c) => c.claim.claim);
const paths = (raw: unknown) => planProblems(raw).problems.map((p) => p.path);

describe("Kafka plans: claims derived from the settings", () => {
  it("acks=all (Kafka's default) derives no-loss, order per key and no-duplicates (idempotence on by default)", () => {
    expect(kafkaProducerOf(plan())).toEqual({ acks: "all", idempotent: true, retries: 5, maxInFlight: 1 });
    expect(claimed(plan())).toEqual(["no-loss", "order-per-key", "no-duplicates"]);
  });

  it.each(["0", "1"])("acks=%s derives no no-loss claim, and says why instead", (acks) => {
    const p = plan({ producer: { acks } });
    expect(kafkaProducerOf(p).idempotent).toBe(false);
    expect(claimed(p)).not.toContain("no-loss");
    expect(claimed(p)).not.toContain("no-duplicates");
    expect(deriveClaims(p).unchecked.find((u) => u.setting === `acks=${acks}`)?.reason).toMatch(/no loss is not derived/);
  });

  it("order per key is not derived when retries may reorder (in flight > 1, no idempotence), and is with one in flight", () => {
    expect(claimed(plan({ producer: { acks: "1", "max.in.flight.requests.per.connection": 5 } }))).not.toContain("order-per-key");
    expect(claimed(plan({ producer: { acks: "1", "max.in.flight.requests.per.connection": 1 } }))).toContain("order-per-key");
  });

  it("an explicit claim replaces the derived ones; what cannot be honoured is named, not dropped", () => {
    const p = plan({ producer: { acks: "0" }, consumer: { "enable.auto.commit": true }, claims: [{ claim: "no-loss", entity: "orders" }] }, { configs: { "retention.ms": 1000 } });
    const r = resolvePlan(p);
    expect(r.suites.map((s) => s.name)).toEqual(["no-loss@orders"]);
    expect(r.unchecked.map((u) => u.setting)).toEqual(expect.arrayContaining(["acks=0", "enable.auto.commit=true", "retention.ms=1000"]));
    expect(r.unchecked.find((u) => u.setting === "enable.auto.commit=true")?.reason).toMatch(/not honoured/);
  });

  it("topics keep their partitions, replication factor and configs for the driver", () => {
    const r = resolvePlan(plan({}, { partitions: 6, replicationFactor: 3, configs: { "min.insync.replicas": 2 } }));
    expect(r.entities).toEqual([{ kind: "queue", name: "orders", orderedKeys: true, native: { partitions: 6, replicationFactor: 3, configs: { "min.insync.replicas": 2 } } }]);
  });
});

describe("Kafka plans: bad input (exit 3 at its JSON path)", () => {
  it("names unknown settings and configs, wrong types, and what Kafka refuses", () => {
    expect(paths(kafka({ producer: { ack: "all" } }))).toEqual(["$.producer.ack"]);
    expect(paths(kafka({}, { configs: { "min.insync.replica": 2 } }))).toEqual(['$.entities[0].settings.configs["min.insync.replica"]']);
    expect(paths(kafka({ producer: { acks: 1 } }))).toEqual(["$.producer.acks"]);
    expect(paths(kafka({ producer: { acks: "1", "enable.idempotence": true } }))).toEqual(['$.producer["enable.idempotence"]']);
    expect(paths(kafka({}, { replicationFactor: 1, configs: { "min.insync.replicas": 2 } }))).toEqual(['$.entities[0].settings.configs["min.insync.replicas"]']);
    expect(paths(kafka({ claims: [{ claim: "dead-letter-after", entity: "orders", deliveries: 3 }] }))).toEqual(["$.claims[0].claim"]);
    expect(paths(kafka({ claims: [{ claim: "no-loss", entity: "order" }] }))).toEqual(["$.claims[0].entity"]);
  });

  it("client settings become kafka:// options; one the URL contradicts is refused, not overridden", () => {
    const url = planBrokerUrl(plan({ producer: { acks: "1", retries: 2 }, consumer: { "session.timeout.ms": 10_000, "isolation.level": "read_uncommitted" } }), "kafka://127.0.0.1:9092");
    expect(Object.fromEntries(new URL(url.replace("kafka:", "http:")).searchParams)).toEqual({ acks: "1", idempotent: "false", retries: "2", "max-in-flight": "5", "session-timeout-ms": "10000", "isolation-level": "read_uncommitted" });
    expect(planBrokerUrl(plan({ producer: { acks: "0" } }), "kafka://h:1")).toMatch(/acks0-sent=true/);
    expect(() => planBrokerUrl(plan({ producer: { acks: "1" } }), "kafka://h:1?acks=all")).toThrow(/acks=all in the URL contradicts the plan's client settings \(acks=1\)/);
    expect(planBrokerUrl(plan(), "kafka://h:1?acks=-1")).toMatch(/acks=all/);
  });
});

describe("plan import kafka: a live topic's description → plan", () => {
  const described = {
    name: "orders",
    partitions: 6,
    replicationFactor: 3,
    configs: {
      "min.insync.replicas": { value: "2", source: "topic" as const },
      "unclean.leader.election.enable": { value: "false", source: "default" as const },
      "retention.ms": { value: "604800000", source: "default" as const },
      "cleanup.policy": { value: "compact", source: "broker" as const },
      "compression.type": { value: "zstd", source: "topic" as const },
      "segment.bytes": { value: "1073741824", source: "default" as const },
    },
  };

  it("keeps partitions, replication factor and the modelled configs set on the topic or broker; names the others", () => {
    const p = kafkaPlanFromTopics([described], "kafka://127.0.0.1:9092");
    expect(p.entities).toEqual([{ kind: "topic", name: "orders", settings: { partitions: 6, replicationFactor: 3, configs: { "min.insync.replicas": 2, "unclean.leader.election.enable": false, "cleanup.policy": "compact" } } }]);
    expect(p.notHonoured).toEqual([{ path: 'topics[0].configs["compression.type"]', setting: "compression.type=zstd (set on topic orders)", reason: expect.stringMatching(/does not model/) }]);
    const valid = validatePlan(p) as KafkaPlan;
    expect(claimed(valid)).toEqual(["no-loss", "order-per-key", "no-duplicates"]);
  });
});
