import { randomBytes } from "node:crypto";
import { Kafka, logLevel } from "kafkajs";
import { DEFAULT_KAFKA_VERSION, KAFKA_INSTALL, kafkaInstalled, kafkaLibs } from "../../brokers/local/kafka-install.js";
import { InfrastructureError } from "../../core/errors.js";
import type { NativeTool } from "../../core/environment.js";
import { type KafkaSettings, parseKafkaUrl } from "../../drivers/kafka/settings.js";
import { runJava } from "../../brokers/local/java.js";
import { parseProducerPerformance, producerPerfSteady } from "../native-parse.js";

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
  /** The steady rate: the tool's 5-second windows after the first (JVM warm-up) pooled. */
  steady?: number;
  /** The warm-up window's rate, left out of `steady`. */
  warmupWindow?: number;
}

/** Records per produce request (≈ one batch per partition) and one request in flight: Gauntlet's batched(N) cell's window. */
export interface ProducerWindow {
  records: number;
}

/** Bytes a record of `size` takes in a v2 batch without key or headers (length, attributes, deltas, lengths ≈ 8–12 B). */
const RECORD_OVERHEAD = 12;
/** A v2 record batch's header. */
const BATCH_HEADER = 61;

/**
 * Java producer settings that keep at most ≈ `records` records unacknowledged: one request in
 * flight, batches of records ÷ partitions, and a record buffer (buffer.memory) of one batch per
 * partition. The buffer is the window: with the default 32 MiB, ProducerPerformance's send() loop
 * queues hundreds of thousands of records behind the request in flight (measured here: 1.7 s
 * average latency at 100 B), so "one request in flight" alone is a far larger window than the cell's.
 */
export function windowProps(window: ProducerWindow, size: number, partitions: number): Record<string, string> {
  const perPartition = Math.ceil(window.records / partitions);
  const batchSize = perPartition * (size + RECORD_OVERHEAD) + BATCH_HEADER;
  return { "max.in.flight.requests.per.connection": "1", "batch.size": String(batchSize), "buffer.memory": String(batchSize * partitions), "linger.ms": "5" };
}

/**
 * kafka-producer-perf-test (ProducerPerformance from the cached kafka-tools jar) against the same
 * bootstrap servers: a fresh topic with the URL's partition count (created and deleted here, as
 * the bench client does), max rate (--throughput -1), the URL's acks and idempotence.
 */
export async function runProducerPerformance(kafka: KafkaSettings, size: number, records: number, window?: ProducerWindow): Promise<KafkaNativeResult> {
  const admin = new Kafka({ clientId: "gauntlet-bench-native", brokers: kafka.brokers, logLevel: logLevel.NOTHING, connectionTimeout: 3_000, retry: { retries: 2 } }).admin();
  const topic = `gauntlet.native.${randomBytes(4).toString("hex")}`;
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: kafka.partitions, replicationFactor: 1 }], waitForLeaders: true });
    const acks = kafka.acks === -1 ? "all" : String(kafka.acks);
    const windowed = window ? windowProps(window, size, kafka.partitions) : {};
    const props = [`bootstrap.servers=${kafka.brokers.join(",")}`, `acks=${acks}`, `enable.idempotence=${kafka.idempotent}`, ...Object.entries(windowed).map(([k, v]) => `${k}=${v}`)];
    const args = ["--topic", topic, "--num-records", String(records), "--record-size", String(size), "--throughput", "-1", "--producer-props", ...props];
    const jvm = ["-Xms256m", "-Xmx512m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", `${kafkaLibs(DEFAULT_KAFKA_VERSION)}/*`, PRODUCER_PERF_MAIN];
    const out = await runJava([...jvm, ...args], 180_000, "kafka-producer-perf-test");
    const s = parseProducerPerformance(out);
    const steady = producerPerfSteady(out);
    if (!s || !steady) throw new InfrastructureError(`kafka-producer-perf-test printed no summary; output tail:\n${out.slice(-1500)}`);
    return {
      command: `java -cp '${kafkaLibs(DEFAULT_KAFKA_VERSION)}/*' ${PRODUCER_PERF_MAIN} ${args.join(" ")}`,
      settings: {
        records,
        recordSize: size,
        throughput: "unthrottled (-1)",
        acks,
        idempotent: kafka.idempotent,
        partitions: kafka.partitions,
        ...(window ? { window: `≈${window.records} records unacknowledged`, maxInFlightRequests: 1, batchSize: windowed["batch.size"], bufferMemory: windowed["buffer.memory"], lingerMs: 5 } : { javaClientDefaults: "linger.ms=5, batch.size=16384, buffer.memory=33554432, max.in.flight.requests.per.connection=5" }),
        warmup: steady.windows ? `first 5 s window left out (${steady.firstWindow} msgs/s)` : "none: the run was shorter than two 5 s windows (whole-run average)",
      },
      msgsPerSec: steady.msgsPerSec,
      mbPerSec: Math.round(((steady.msgsPerSec * size) / 1_000_000) * 100) / 100,
      summary: s.line,
      steady: steady.msgsPerSec,
      ...(steady.firstWindow !== undefined ? { warmupWindow: steady.firstWindow } : {}),
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
    // Like for like: the matrix's largest batched(N) cell keeps one request of N records in flight,
    // so the Java producer runs with one request in flight, batches of N ÷ partitions records and a
    // record buffer of one batch per partition (no records queued behind the request in flight).
    // A 5 s JVM warm-up window (left out), then at least two more windows if the Java client is up
    // to 2 × faster than the cell (~30 s at the cell's rate, bounded).
    const window = request.batch ? { records: request.batch } : undefined;
    const records = Math.min(6_000_000, Math.max(50_000, Math.round((request.rateHint ?? 10_000) * 2 * (5 + Math.max(10, request.seconds)))));
    log(`native: kafka-producer-perf-test, ${records.toLocaleString("en-US")} records of ${request.size} B${window ? `, ≈${window.records} unacknowledged (one request in flight)` : ""} ...`);
    const r = await runProducerPerformance(parseKafkaUrl(url), request.size, records, window);
    return {
      ...r,
      how: "the tool's 5-second windows after the first (JVM warm-up) pooled; its own whole-run summary, warm-up included, is printed verbatim",
      ...(window ? { twin: { mode: "batched" as const, n: window.records } } : {}),
      comparison: {
        ...(window ? { twin: `Gauntlet's batched cell with ${window.records} records per send: one produce request in flight, as the Java producer ran (max.in.flight.requests.per.connection=1, batch.size for ≈${window.records} records across the partitions, buffer.memory of one batch per partition so no more are queued)` } : {}),
        fastest: "Gauntlet's fastest honest cell for this size: the Java producer (at its defaults) sends asynchronously and batches internally, closest to Gauntlet's batched and pipelined cells",
      },
    };
  },
};
