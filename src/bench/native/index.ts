import { parseBrokerUrl } from "../../brokers/url.js";
import { DEFAULT_KAFKA_VERSION } from "../../brokers/local/kafka-install.js";
import { UsageError } from "../../core/errors.js";
import { parseAmqpUrl } from "../../drivers/amqp/environment.js";
import { parseKafkaUrl } from "../../drivers/kafka/settings.js";
import { bestPerSize, modeLabel } from "../report/format.js";
import type { BenchSettings, CellResult } from "../types.js";
import { checkKafkaTool, runProducerPerformance } from "./kafka.js";
import { PERF_TEST_VERSION } from "./perf-test-install.js";
import { ensurePerfTest, runPerfTest } from "./rabbitmq.js";
import type { NativeComparison, NativeRun } from "./types.js";

export type { NativeComparison, NativeRun } from "./types.js";

/** Fail before the matrix runs: the broker has no native tool, or the tool cannot be had. */
export async function prepareNative(broker: string, log: (line: string) => void): Promise<void> {
  const { scheme } = parseBrokerUrl(broker);
  if (scheme === "kafka") return checkKafkaTool();
  if (scheme === "amqp") return ensurePerfTest(log);
  throw new UsageError(`--native: ${scheme}:// has no native perf tool to compare with`, "--native runs kafka-producer-perf-test for kafka:// and RabbitMQ PerfTest for amqp://; drop --native here");
}

const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;

/**
 * Run the broker's own perf tool once per payload size of the matrix, on the same broker with the
 * same settings, after Gauntlet's cells (the broker is quiet again), and compare:
 * - kafka://: kafka-producer-perf-test, acks and idempotence from the URL, the URL's partition
 *   count; it sends asynchronously and batches inside the Java client, so it is compared with
 *   Gauntlet's fastest honest cell of that size (normally batched);
 * - amqp://: PerfTest -x 1 -y 0 -c K with K = the largest --in-flight, the URL's queue type,
 *   persistent; compared with Gauntlet's pipelined cell with the same K (PerfTest -c K is exactly
 *   "at most K unconfirmed"), or the fastest honest cell when pipelined was not run.
 */
export async function runNative(broker: string, cells: readonly CellResult[], settings: Pick<BenchSettings, "sizes" | "inFlight" | "durationMs">, log: (line: string) => void): Promise<NativeComparison> {
  const { scheme, url } = parseBrokerUrl(broker);
  const best = bestPerSize(cells);
  const runs: NativeRun[] = [];
  for (const size of settings.sizes) {
    const top = best.get(size);
    const seconds = Math.max(1, (top?.measuredMs ?? settings.durationMs) / 1000);
    if (scheme === "kafka") {
      const kafka = parseKafkaUrl(url);
      // About as long as a cell if the Java client is up to 3 × faster (longer if slower; at least 20,000 records).
      const records = Math.min(3_000_000, Math.max(20_000, Math.round((top?.achievedRate ?? 10_000) * seconds * 3)));
      log(`native: kafka-producer-perf-test, ${records.toLocaleString("en-US")} records of ${size} B ...`);
      const r = await runProducerPerformance(kafka, size, records);
      runs.push(nativeRun(size, r.msgsPerSec, r.mbPerSec, "the tool's final summary: records sent ÷ the run's time (JVM start excluded, its warm-up included)", r, top, "Gauntlet's fastest honest cell for this size: the Java producer sends asynchronously and batches internally (linger.ms, batch.size), closest to Gauntlet's batched and pipelined cells"));
    } else {
      const amqp = parseAmqpUrl(url);
      const k = Math.max(...settings.inFlight);
      const twin = cells.find((c) => c.mode === "pipelined" && c.size === size && c.n === k && c.acked > 0);
      const z = Math.max(3, Math.ceil(seconds) + 1);
      log(`native: RabbitMQ PerfTest -x 1 -y 0 -s ${size} -c ${k} -z ${z} (${amqp.queueType} queue) ...`);
      const r = await runPerfTest(broker, amqp.queueType, size, k, z);
      runs.push(
        nativeRun(size, r.msgsPerSec, round((r.msgsPerSec * size) / 1e6, 3), r.how, r, twin ?? top, twin ? `Gauntlet's pipelined cell with the same in-flight limit (${k}): PerfTest -c ${k} keeps at most ${k} publishes unconfirmed, exactly as that cell` : "Gauntlet's fastest honest cell for this size (no pipelined cell with the same in-flight limit was run)"),
      );
    }
  }
  const first = runs[0]!;
  return {
    tool: scheme === "kafka" ? "kafka-producer-perf-test" : "rabbitmq-perf-test",
    toolVersion: scheme === "kafka" ? `Apache Kafka ${DEFAULT_KAFKA_VERSION} (kafka-tools)` : `PerfTest ${PERF_TEST_VERSION}`,
    runs,
    msgsPerSec: first.msgsPerSec,
    gauntletMsgsPerSec: first.gauntletMsgsPerSec,
    gauntletCell: first.gauntletCell,
    ratio: first.ratio,
  };
}

function nativeRun(size: number, msgsPerSec: number, mbPerSec: number, how: string, r: { command: string; settings: Record<string, unknown>; summary: string }, cell: CellResult | undefined, comparison: string): NativeRun {
  return {
    size,
    command: r.command,
    settings: r.settings,
    msgsPerSec,
    mbPerSec,
    how,
    toolSummary: r.summary,
    gauntletCell: cell ? `${cell.id} (${modeLabel(cell)})` : null,
    gauntletMsgsPerSec: cell ? cell.achievedRate : null,
    ratio: cell && msgsPerSec > 0 ? round(cell.achievedRate / msgsPerSec) : null,
    comparison,
  };
}

/** "gauntlet 12,300 msgs/s = 0.84 × kafka-producer-perf-test 14,600 msgs/s". */
export function nativeLine(tool: string, run: NativeRun): string {
  const n = (v: number) => Math.round(v).toLocaleString("en-US");
  if (run.ratio === null || run.gauntletMsgsPerSec === null) return `${run.size} B: ${tool} ${n(run.msgsPerSec)} msgs/s (no comparable Gauntlet cell)`;
  return `${run.size} B: gauntlet ${n(run.gauntletMsgsPerSec)} msgs/s = ${run.ratio.toFixed(2)} × ${tool} ${n(run.msgsPerSec)} msgs/s   [gauntlet cell ${run.gauntletCell}]`;
}
