/**
 * Compare the kafka:// driver's client libraries: for kafkajs and @platformatic/kafka, awaited
 * single sends and awaited batches of 100, each for a few seconds, through the driver's own
 * producer (so options such as idempotence apply as in a run). 100-byte payloads; acks from the
 * URL (default all). Prints figures, asserts nothing.
 *
 *   npx tsc -p tsconfig.json && node dist/scripts/bench-kafka-clients.js kafka://127.0.0.1:9092 [--seconds 3] [--json]
 */
import { performance } from "node:perf_hooks";
import type { Producer } from "../src/core/driver.js";
import { KafkaDriver } from "../src/drivers/kafka/driver.js";
import { KAFKA_CLIENTS, type KafkaClientName, parseKafkaUrl } from "../src/drivers/kafka/settings.js";

const PAYLOAD_BYTES = 100;
const BATCH = 100;

const args = process.argv.slice(2);
const raw = args.find((a) => a.startsWith("kafka://"));
if (!raw) {
  process.stderr.write("usage: node dist/scripts/bench-kafka-clients.js kafka://host:port[?acks=all&idempotent=true&partitions=3] [--seconds 3] [--json]\n");
  process.exit(3);
}
const secondsArg = args.indexOf("--seconds");
const seconds = secondsArg >= 0 ? Number(args[secondsArg + 1]) : 3;
const json = args.includes("--json");
if (parseKafkaUrl(new URL(raw)).acks === 0) {
  process.stderr.write("acks=0: the driver's producer cannot confirm a send, so there is nothing to await; use acks=1 or all\n");
  process.exit(3);
}

interface Figures {
  client: KafkaClientName;
  singleMsgsPerSec: number;
  batchMsgsPerSec: number;
}

/** Messages per second of back-to-back awaited sends of `size` messages for `seconds`. */
async function measure(producer: Producer, size: number, tag: string): Promise<number> {
  let sent = 0;
  const batch = (n: number) => Array.from({ length: size }, (_, i) => ({ id: `${tag}-${n}-${i}`, size: PAYLOAD_BYTES }));
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  for (let n = 0; performance.now() < end; n++) {
    await producer.send("bench", batch(n));
    sent += size;
  }
  return sent / ((performance.now() - t0) / 1000);
}

async function bench(client: KafkaClientName): Promise<Figures> {
  const url = new URL(raw!);
  url.searchParams.set("client", client);
  const driver = await KafkaDriver.connect(parseKafkaUrl(url));
  try {
    await driver.provision([{ kind: "queue", name: "bench" }]);
    const producer = await driver.producer();
    try {
      // Warm-up: connections, metadata, the idempotent producer id, JIT.
      for (let i = 0; i < 50; i++) await producer.send("bench", [{ id: `warm-${i}`, size: PAYLOAD_BYTES }]);
      const singleMsgsPerSec = await measure(producer, 1, "one");
      const batchMsgsPerSec = await measure(producer, BATCH, "batch");
      return { client, singleMsgsPerSec, batchMsgsPerSec };
    } finally {
      await producer.close();
    }
  } finally {
    await driver.close();
  }
}

const results: Figures[] = [];
for (const client of KAFKA_CLIENTS) results.push(await bench(client));
const settings = parseKafkaUrl(new URL(raw));
if (json) {
  process.stdout.write(`${JSON.stringify({ url: raw, seconds, payloadBytes: PAYLOAD_BYTES, batch: BATCH, acks: settings.acks, idempotent: settings.idempotent, results }, null, 2)}\n`);
} else {
  const acks = { [-1]: "all", 0: "0", 1: "1" }[settings.acks];
  process.stdout.write(`kafka client bench: ${PAYLOAD_BYTES}-byte payloads, acks=${acks}, idempotent=${settings.idempotent}, ${settings.partitions} partitions, ${seconds} s each\n`);
  process.stdout.write(`${"client".padEnd(14)}${"single sends msgs/s".padStart(22)}${`batches of ${BATCH} msgs/s`.padStart(26)}\n`);
  for (const r of results) {
    process.stdout.write(`${r.client.padEnd(14)}${Math.round(r.singleMsgsPerSec).toLocaleString("en-US").padStart(22)}${Math.round(r.batchMsgsPerSec).toLocaleString("en-US").padStart(26)}\n`);
  }
}
