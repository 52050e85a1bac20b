/**
 * Capture real AMQP 0-9-1 and Kafka sessions as fixtures for the framers' tests
 * (fixtures/protocol/): a byte-recording relay in front of the broker, a short client session
 * through it, both directions of each connection written as they were read.
 *
 *   npx tsc -p tsconfig.json && node dist/scripts/capture-frames.js amqp://guest:guest@127.0.0.1:5672 127.0.0.1:PROXY_PORT 127.0.0.1:PROXIED_PORT
 *
 * (Kafka: the node's proxy port is advertised, so every connection of the session stays behind
 * the relay; `gauntlet brokers status --json` shows both ports in the node's state file.)
 */
import { writeFileSync } from "node:fs";
import { type Socket, connect, createServer } from "node:net";
import amqp from "amqplib";
import { Kafka, logLevel } from "kafkajs";

type Recorded = { up: Buffer[]; down: Buffer[] }[];

async function relay(listen: string, upstream: string): Promise<{ port: number; sessions: Recorded; stop(): Promise<void> }> {
  const sessions: Recorded = [];
  const sockets = new Set<Socket>();
  const [upHost, upPort] = upstream.split(":");
  const server = createServer((client) => {
    const rec = { up: [] as Buffer[], down: [] as Buffer[] };
    sessions.push(rec);
    const broker = connect({ host: upHost, port: Number(upPort) });
    sockets.add(client).add(broker);
    client.on("data", (d) => (rec.up.push(Buffer.from(d)), broker.write(d)));
    broker.on("data", (d) => (rec.down.push(Buffer.from(d)), client.write(d)));
    for (const s of [client, broker]) s.on("error", () => {}).on("close", () => (client.destroy(), broker.destroy()));
  });
  const [host, port] = listen.split(":");
  await new Promise<void>((r) => server.listen(Number(port), host, r));
  return {
    port: (server.address() as { port: number }).port,
    sessions,
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

const save = (name: string, sessions: Recorded, keep: (up: Buffer) => boolean) => {
  const s = sessions.find((x) => keep(Buffer.concat(x.up)))!;
  writeFileSync(`fixtures/protocol/${name}-client.bin`, Buffer.concat(s.up));
  writeFileSync(`fixtures/protocol/${name}-broker.bin`, Buffer.concat(s.down));
};

const [amqpUrl, kafkaListen, kafkaUpstream] = process.argv.slice(2);
const url = new URL(amqpUrl!);
const a = await relay("127.0.0.1:0", `${url.hostname}:${url.port}`);
url.port = String(a.port);
const conn = await amqp.connect(url.toString());
const ch = await conn.createConfirmChannel();
const q = (await ch.assertQueue("", { exclusive: true })).queue;
for (const body of ["one", "", "x".repeat(10_000)]) ch.sendToQueue(q, Buffer.from(body), { messageId: `m-${body.length}` });
await ch.waitForConfirms();
const got = await ch.get(q);
if (got) ch.ack(got);
await ch.checkQueue(q);
await conn.close();
await a.stop();
save("amqp", a.sessions, () => true);

const k = await relay(kafkaListen!, kafkaUpstream!);
const kafka = new Kafka({ brokers: [`127.0.0.1:${k.port}`], clientId: "capture", logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
await admin.createTopics({ topics: [{ topic: "capture-frames", numPartitions: 1 }] });
await admin.disconnect();
const producer = kafka.producer();
await producer.connect();
await producer.send({ topic: "capture-frames", messages: [{ value: "one" }, { value: "two" }] });
await producer.disconnect();
await k.stop();
// The connection that carried Produce (api key 0 at byte 4 of some request).
save("kafka", k.sessions, (up) => {
  for (let at = 0; at + 8 <= up.length; at += 4 + up.readInt32BE(at)) if (up.readInt16BE(at + 4) === 0) return true;
  return false;
});
console.log("captured", a.sessions.length, "AMQP and", k.sessions.length, "Kafka connections");
