/**
 * Benchmark of the embedded Service Bus emulator through the real @azure/service-bus SDK:
 * start time, and send + receive (peek-lock) + complete messages/s with one connection and
 * with 4 connections (each its own ServiceBusClient and queue). Prints figures, asserts nothing.
 *   npx tsc -p tsconfig.json && node dist/scripts/bench-servicebus-emulator.js [messagesPerClient]
 */
import { ServiceBusClient } from "@azure/service-bus";
import { startServiceBusEmulator } from "../src/emulator/servicebus/index.js";

const PER_CLIENT = Number(process.argv[2] ?? 5000);
const BATCH = 100;

async function startTimes(): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t0 = performance.now();
    const e = await startServiceBusEmulator({ entities: [{ kind: "queue", name: "q" }] });
    times.push(performance.now() - t0);
    await e.stop();
  }
  return times.sort((a, b) => a - b);
}

/** One client: sends `n` messages in batches while a subscriber completes them; resolves when all are completed. */
async function pipeline(connectionString: string, queue: string, n: number): Promise<void> {
  const client = new ServiceBusClient(connectionString);
  try {
    const receiver = client.createReceiver(queue);
    let done = 0;
    const finished = new Promise<void>((resolve, reject) => {
      receiver.subscribe(
        {
          processMessage: async (m) => {
            await receiver.completeMessage(m);
            if (++done === n) resolve();
          },
          processError: async (args) => reject(args.error),
        },
        { autoCompleteMessages: false, maxConcurrentCalls: 100 },
      );
    });
    const sender = client.createSender(queue);
    for (let sent = 0; sent < n; sent += BATCH) {
      await sender.sendMessages(Array.from({ length: Math.min(BATCH, n - sent) }, (_, i) => ({ body: { i: sent + i }, messageId: `${queue}-${sent + i}` })));
    }
    await finished;
    await receiver.close();
  } finally {
    await client.close();
  }
}

async function throughput(clients: number): Promise<{ msgs: number; seconds: number }> {
  const queues = Array.from({ length: clients }, (_, i) => ({ kind: "queue" as const, name: `bench-${i}` }));
  const e = await startServiceBusEmulator({ entities: queues });
  try {
    await pipeline(e.connectionString, "bench-0", 200); // warm-up: JIT, first connection
    const t0 = performance.now();
    await Promise.all(queues.map((q) => pipeline(e.connectionString, q.name, PER_CLIENT)));
    return { msgs: clients * PER_CLIENT, seconds: (performance.now() - t0) / 1000 };
  } finally {
    await e.stop();
  }
}

const starts = await startTimes();
console.log(`emulator start: median ${starts[5]!.toFixed(1)} ms, min ${starts[0]!.toFixed(1)} ms, max ${starts[9]!.toFixed(1)} ms (10 starts, one queue)`);
for (const clients of [1, 4]) {
  const r = await throughput(clients);
  console.log(
    `send+receive+complete, ${clients} connection${clients > 1 ? "s" : ""} (${clients} ServiceBusClient): ${r.msgs} msgs in ${r.seconds.toFixed(2)} s = ${Math.round(r.msgs / r.seconds)} msgs/s`,
  );
}
console.log(`node ${process.version}, batches of ${BATCH} per send, peek-lock with explicit completeMessage, maxConcurrentCalls 100`);
