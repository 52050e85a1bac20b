import { randomBytes } from "node:crypto";
import { Kafka, logLevel } from "kafkajs";
import { DEFAULT_KAFKA_VERSION, KAFKA_INSTALL, kafkaInstalled, kafkaLibs } from "../../brokers/local/kafka-install.js";
import { InfrastructureError } from "../../core/errors.js";
import type { NativeTool } from "../../core/environment.js";
import { type KafkaSettings, parseKafkaUrl } from "../../drivers/kafka/settings.js";
import { runJava } from "../../brokers/local/java.js";
import { parseProducerPerformance } from "../native-parse.js";

export const PRODUCER_PERF_MAIN = "org.apache.kafka.tools.ProducerPerformance";

export function checkKafkaTool(): void {
  if (!kafkaInstalled(DEFAULT_KAFKA_VERSION)) throw new InfrastructureError(`--native: kafka-producer-perf-test comes from the Kafka ${DEFAULT_KAFKA_VERSION} jars, which are not installed`, KAFKA_INSTALL);
}

export interface KafkaNativeResult {
  command: string;
  settings: Record<string, unknown>;
  msgsPerSec: number;
  mbPerSec: number;
  summary: string;
}

/**
 * kafka-producer-perf-test (ProducerPerformance from the cached kafka-tools jar) against the same
 * bootstrap servers: a fresh topic with the URL's partition count (created and deleted here, as
 * the bench client does), max rate (--throughput -1), the URL's acks and idempotence.
 */
export async function runProducerPerformance(kafka: KafkaSettings, size: number, records: number): Promise<KafkaNativeResult> {
  const admin = new Kafka({ clientId: "gauntlet-bench-native", brokers: kafka.brokers, logLevel: logLevel.NOTHING, connectionTimeout: 3_000, retry: { retries: 2 } }).admin();
  const topic = `gauntlet.native.${randomBytes(4).toString("hex")}`;
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: kafka.partitions, replicationFactor: 1 }], waitForLeaders: true });
    const acks = kafka.acks === -1 ? "all" : String(kafka.acks);
    const props = [`bootstrap.servers=${kafka.brokers.join(",")}`, `acks=${acks}`, `enable.idempotence=${kafka.idempotent}`];
    const args = ["--topic", topic, "--num-records", String(records), "--record-size", String(size), "--throughput", "-1", "--producer-props", ...props];
    const jvm = ["-Xms256m", "-Xmx512m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", `${kafkaLibs(DEFAULT_KAFKA_VERSION)}/*`, PRODUCER_PERF_MAIN];
    const out = await runJava([...jvm, ...args], 180_000, "kafka-producer-perf-test");
    const s = parseProducerPerformance(out);
    if (!s) throw new InfrastructureError(`kafka-producer-perf-test printed no summary; output tail:\n${out.slice(-1500)}`);
    return {
      command: `java -cp '${kafkaLibs(DEFAULT_KAFKA_VERSION)}/*' ${PRODUCER_PERF_MAIN} ${args.join(" ")}`,
      settings: { records, recordSize: size, throughput: "unthrottled (-1)", acks, idempotent: kafka.idempotent, partitions: kafka.partitions, javaClientDefaults: "linger.ms=5, batch.size=16384, max.in.flight.requests.per.connection=5" },
      msgsPerSec: s.msgsPerSec,
      mbPerSec: s.mbPerSec,
      summary: s.line,
    };
  } finally {
    await admin.deleteTopics({ topics: [topic] }).catch(() => {});
    await admin.disconnect().catch(() => {});
  }
}

/** kafka-producer-perf-test as the registry's native tool for kafka://. */
export const kafkaNativeTool: NativeTool = {
  name: "kafka-producer-perf-test",
  version: `Apache Kafka ${DEFAULT_KAFKA_VERSION} (kafka-tools)`,
  async prepare() {
    checkKafkaTool();
  },
  async measure(_raw, url, request, log) {
    // About as long as a cell if the Java client is up to 3 × faster (longer if slower; at least 20,000 records).
    const records = Math.min(3_000_000, Math.max(20_000, Math.round((request.rateHint ?? 10_000) * request.seconds * 3)));
    log(`native: kafka-producer-perf-test, ${records.toLocaleString("en-US")} records of ${request.size} B ...`);
    const r = await runProducerPerformance(parseKafkaUrl(url), request.size, records);
    return {
      ...r,
      how: "the tool's final summary: records sent ÷ the run's time (JVM start excluded, its warm-up included)",
      comparison: { fastest: "Gauntlet's fastest honest cell for this size: the Java producer sends asynchronously and batches internally (linger.ms, batch.size), closest to Gauntlet's batched and pipelined cells" },
    };
  },
};
