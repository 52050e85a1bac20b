/**
 * Scale of the embedded Service Bus emulator (issue 12 item 5; the official emulator caps at 10
 * connections and 50 entities): start time and memory with N entities, then C concurrent
 * @azure/service-bus clients — each its own AMQP connection — that send, receive (peek-lock) and
 * complete M messages on their own queue. Prints figures, asserts nothing.
 *   npx tsc -p tsconfig.json && node --expose-gc dist/scripts/bench-servicebus-scale.js [--entities 10000] [--connections 1000] [--messages 10]
 */
import { ServiceBusClient } from "@azure/service-bus";
import { performance } from "node:perf_hooks";
import { startServiceBusEmulator } from "../src/emulator/servicebus/index.js";

const args = process.argv.slice(2);
const opt = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const ENTITIES = opt("--entities", 10_000);
const CONNECTIONS = opt("--connections", 1_000);
const MESSAGES = opt("--messages", 10);
const mib = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MiB`;
const rss = () => {
  globalThis.gc?.();
  return process.memoryUsage().rss;
};

/** Every client waits here after sending, so all connections are open at the same time. */
let arrived = 0;
let allArrived: () => void = () => {};
const barrier = new Promise<void>((resolve) => (allArrived = resolve));
let firstSendMs = 0;

/** One client: its own connection; sends `n` messages as one batch, waits for all, receives and completes them. */
async function client(connectionString: string, queue: string, n: number, t1: number): Promise<number> {
  const sb = new ServiceBusClient(connectionString, { retryOptions: { maxRetries: 2, timeoutInMs: 120_000 } });
  try {
    await sb.createSender(queue).sendMessages(Array.from({ length: n }, (_, i) => ({ body: i, messageId: `${queue}-${i}` })));
    if (++arrived === CONNECTIONS) {
      firstSendMs = performance.now() - t1;
      allArrived();
    }
    await barrier;
    const receiver = sb.createReceiver(queue, { maxAutoLockRenewalDurationInMs: 0 });
    let done = 0;
    while (done < n) {
      for (const m of await receiver.receiveMessages(n - done, { maxWaitTimeInMs: 5_000 })) {
        await receiver.completeMessage(m);
        done += 1;
      }
    }
    return done;
  } finally {
    await sb.close();
  }
}

const before = rss();
const t0 = performance.now();
const queues = Array.from({ length: ENTITIES }, (_, i) => ({ kind: "queue" as const, name: `q${i}`, lockDurationMs: 60_000 }));
const emulator = await startServiceBusEmulator({ entities: queues });
const startMs = performance.now() - t0;
const withEntities = rss();
process.stdout.write(`emulator with ${ENTITIES.toLocaleString()} queues: started in ${startMs.toFixed(0)} ms (its own startMs ${emulator.startMs.toFixed(0)} ms), RSS +${mib(withEntities - before)}\n`);

try {
  const t1 = performance.now();
  let peakRss = withEntities;
  const mem = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  const results = await Promise.allSettled(Array.from({ length: CONNECTIONS }, (_, i) => client(emulator.connectionString, `q${i % ENTITIES}`, MESSAGES, t1).catch((err: unknown) => {
    if (++arrived === CONNECTIONS) allArrived();
    throw err;
  })));
  clearInterval(mem);
  const seconds = (performance.now() - t1) / 1000;
  const ok = results.filter((r) => r.status === "fulfilled");
  const messages = ok.reduce((n, r) => n + (r as PromiseFulfilledResult<number>).value, 0);
  const failures = results.flatMap((r) => (r.status === "rejected" ? [String((r.reason as Error)?.message ?? r.reason).slice(0, 120)] : []));
  process.stdout.write(`${CONNECTIONS.toLocaleString()} concurrent SDK clients (one connection each): ${ok.length} completed, ${failures.length} failed, in ${seconds.toFixed(1)} s\n`);
  process.stdout.write(`  all ${CONNECTIONS.toLocaleString()} connected and sent after ${(firstSendMs / 1000).toFixed(1)} s, each then held its connection open until the last had sent\n`);
  process.stdout.write(`  ${messages.toLocaleString()} messages sent + received + completed: ${Math.round(messages / seconds).toLocaleString()} msgs/s (client and emulator share this process)\n`);
  process.stdout.write(`  peak RSS ${mib(peakRss)} (emulator and ${CONNECTIONS.toLocaleString()} clients together)\n`);
  if (failures.length) process.stdout.write(`  first failures: ${[...new Set(failures)].slice(0, 3).join(" | ")}\n`);
} finally {
  await emulator.stop();
}
