import { randomBytes } from "node:crypto";
import { connect } from "amqplib";
import { redact } from "../redact.js";
import { InfrastructureError } from "../../core/errors.js";
import type { NativeTool } from "../../core/environment.js";
import { parseAmqpUrl } from "../../drivers/amqp/settings.js";
import { runJava } from "../../brokers/local/java.js";
import { parsePerfTest } from "../native-parse.js";
import { PERF_TEST_MAIN, PERF_TEST_VERSION, installPerfTest, perfTestLibs } from "../../brokers/local/perf-test-install.js";

export interface RabbitNativeResult {
  command: string;
  settings: Record<string, unknown>;
  msgsPerSec: number;
  how: string;
  summary: string;
}

/** Install PerfTest into the cache on first use (a progress line says so). */
export async function ensurePerfTest(log: (line: string) => void): Promise<void> {
  await installPerfTest(log);
}

/**
 * RabbitMQ PerfTest against the same broker: one producer, no consumer (-x 1 -y 0), persistent
 * messages of `size` bytes, at most `inFlight` unconfirmed (-c, as Gauntlet's pipelined mode) to
 * a fresh queue of the URL's type (--quorum-queue, or a durable classic queue), for `seconds`.
 * The queue is deleted afterwards.
 */
export async function runPerfTest(amqpUrl: string, queueType: string, size: number, inFlight: number, seconds: number): Promise<RabbitNativeResult> {
  const plain = new URL(amqpUrl);
  plain.search = "";
  const queue = `gauntlet.native.${randomBytes(4).toString("hex")}`;
  const typeArgs = queueType === "quorum" ? ["--quorum-queue"] : ["--flag", "persistent", "--auto-delete", "false", "--queue-args", "x-queue-type=classic"];
  const args = ["-x", "1", "-y", "0", "-s", String(size), "-c", String(inFlight), "-z", String(seconds), ...typeArgs, "-u", queue, "-h"];
  const jvm = ["-Xms128m", "-Xmx512m", "-cp", `${perfTestLibs()}/*`, PERF_TEST_MAIN];
  try {
    const out = await runJava([...jvm, ...args, plain.toString()], (seconds + 60) * 1000, "RabbitMQ PerfTest");
    const s = parsePerfTest(out);
    if (!s) throw new InfrastructureError(`RabbitMQ PerfTest printed no summary; output tail:\n${out.slice(-1500)}`);
    return {
      command: `java -cp '${perfTestLibs()}/*' ${PERF_TEST_MAIN} ${args.join(" ")} ${redact(plain.toString())}`,
      settings: { perfTest: PERF_TEST_VERSION, producers: 1, consumers: 0, size, maxUnconfirmed: inFlight, seconds, queueType, persistent: true, confirmedPerSecond: s.confirmedPerSecond, sendingRateAvg: s.sendingAvg },
      msgsPerSec: s.msgsPerSec,
      how: s.how,
      summary: s.lines.join("\n"),
    };
  } finally {
    await deleteQueue(plain.toString(), queue);
  }
}

async function deleteQueue(url: string, queue: string): Promise<void> {
  const conn = await connect(url, { timeout: 10_000 }).catch(() => undefined);
  if (!conn) return;
  conn.on("error", () => {});
  try {
    const ch = await conn.createChannel();
    ch.on("error", () => {});
    await ch.deleteQueue(queue).catch(() => {});
  } finally {
    await conn.close().catch(() => {});
  }
}

/** RabbitMQ PerfTest as the registry's native tool for amqp://. */
export const rabbitNativeTool: NativeTool = {
  name: "rabbitmq-perf-test",
  version: `PerfTest ${PERF_TEST_VERSION}`,
  prepare: ensurePerfTest,
  async measure(raw, url, request, log) {
    const { queueType, url: plain } = parseAmqpUrl(url);
    const k = request.inFlight;
    const z = Math.max(3, Math.ceil(request.seconds) + 1);
    log(`native: RabbitMQ PerfTest -x 1 -y 0 -s ${request.size} -c ${k} -z ${z} (${queueType} queue) ...`);
    const r = await runPerfTest(plain, queueType, request.size, k, z);
    return {
      ...r,
      mbPerSec: Math.round(((r.msgsPerSec * request.size) / 1e6) * 1000) / 1000,
      twin: { mode: "pipelined", n: k },
      comparison: {
        twin: `Gauntlet's pipelined cell with the same in-flight limit (${k}): PerfTest -c ${k} keeps at most ${k} publishes unconfirmed, exactly as that cell`,
        fastest: "Gauntlet's fastest honest cell for this size (no pipelined cell with the same in-flight limit was run)",
      },
    };
  },
};
