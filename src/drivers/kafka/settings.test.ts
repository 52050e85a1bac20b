import { describe, expect, it } from "vitest";
import { EXIT, UsageError } from "../../core/errors.js";
import { parseKafkaUrl, topicConfigs } from "./settings.js";

const parse = (query = "") => parseKafkaUrl(new URL(`kafka://127.0.0.1:9092${query}`));

describe("kafka:// settings", () => {
  it("defaults to kafkajs, an idempotent acks=all producer, 3 partitions and 5 retries", () => {
    expect(parse()).toEqual({ brokers: ["127.0.0.1:9092"], client: "kafkajs", idempotent: true, acks: -1, partitions: 3, retries: 5 });
  });

  it("reads replication settings for topics it creates, as Kafka's topic configs", () => {
    const s = parse("?replication-factor=3&min-insync-replicas=2&unclean-leader-election=false");
    expect(s).toMatchObject({ replicationFactor: 3, minInsyncReplicas: 2, uncleanLeaderElection: false });
    expect(topicConfigs(s)).toEqual([
      { name: "min.insync.replicas", value: "2" },
      { name: "unclean.leader.election.enable", value: "false" },
    ]);
    expect(topicConfigs(parse())).toEqual([]);
    expect(() => parse("?replication-factor=0")).toThrow(/replication-factor="0" must be an integer from 1 to 7/);
    expect(() => parse("?unclean-leader-election=yes")).toThrow(/must be true or false/);
  });

  it("selects @platformatic/kafka with client=platformatic, keeping the other options", () => {
    expect(parse("?client=platformatic&idempotent=false&acks=1&partitions=2&retries=0")).toMatchObject({ client: "platformatic", idempotent: false, acks: 1, partitions: 2, retries: 0 });
    expect(parse("?client=kafkajs").client).toBe("kafkajs");
  });

  it("rejects an unknown client with a usage error (exit 3) naming the valid ones", () => {
    const err = (() => {
      try {
        parse("?client=rdkafka");
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).exitCode).toBe(EXIT.usage);
    expect((err as UsageError).message).toMatch(/client="rdkafka" must be kafkajs or platformatic/);
  });

  it("still names client among the valid options when an option is unknown", () => {
    expect(() => parse("?clients=platformatic")).toThrow(/unknown kafka:\/\/ option "clients"/);
    try {
      parse("?clients=platformatic");
    } catch (e) {
      expect((e as UsageError).fix).toMatch(/client/);
    }
  });
});
