import { describe, expect, it } from "vitest";
import { parseKafkaUrl } from "../drivers/kafka/settings.js";
import { parseBrokerUrl } from "./url.js";

describe("--broker URLs", () => {
  it("reads a Kafka bootstrap list (several host:port in the authority), with or without options", () => {
    for (const raw of ["kafka://10.0.0.2:9092,10.0.0.3:9092,10.0.0.4:9092", "kafka://10.0.0.2:9092,10.0.0.3:9092,10.0.0.4:9092/", "kafka://10.0.0.2:9092,10.0.0.3:9092,10.0.0.4:9092?partitions=1&acks=1&idempotent=false"]) {
      const parsed = parseBrokerUrl(raw);
      expect(parsed.redacted).toBe(raw);
      expect(parseKafkaUrl(parsed.url).brokers, raw).toEqual(["10.0.0.2:9092", "10.0.0.3:9092", "10.0.0.4:9092"]);
    }
    expect(parseKafkaUrl(parseBrokerUrl("kafka://10.0.0.2:9092,10.0.0.3:9092?partitions=1&acks=1&idempotent=false").url)).toMatchObject({ partitions: 1, acks: 1, idempotent: false });
    expect(parseKafkaUrl(parseBrokerUrl("kafka://127.0.0.1:9092").url).brokers).toEqual(["127.0.0.1:9092"]);
  });

  it("keeps one host for families without host lists: a comma there is not a valid URL (exit 3)", () => {
    expect(() => parseBrokerUrl("amqp://guest:guest@a:5672,b:5672")).toThrow(/is not a valid URL/);
  });
});
