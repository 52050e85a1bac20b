import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ServiceBusClient } from "@azure/service-bus";
import amqp from "amqplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Kafka, logLevel } from "kafkajs";
import { usePrivateKafka, usePrivateRabbitMq } from "./broker-gate.js";
import { gauntlet, tempDir } from "./cli-helpers.js";
import { type EmulatorProcess, startEmulatorProcess } from "./emulator-process.js";

const dir = tempDir();
const write = (name: string, plan: unknown) => {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(plan));
  return file;
};

describe("existing entities on RabbitMQ (useExisting + --use-existing)", () => {
  const node = usePrivateRabbitMq();
  if (!node) return;
  const queue = "existing-orders";
  const withChannel = async <T>(f: (ch: amqp.Channel) => Promise<T>): Promise<T> => {
    const c = await amqp.connect(node.url);
    try {
      return await f(await c.createChannel());
    } finally {
      await c.close();
    }
  };
  const plan = { gauntlet: "plan", version: 1, family: "rabbitmq", useExisting: true, entities: [{ kind: "queue", name: queue, settings: { type: "quorum" } }], workload: { runs: 3, seed: 1 } };

  it("refuses without --use-existing, refuses a queue holding a message, runs on it once empty and leaves it in place", async () => {
    await withChannel((ch) => ch.assertQueue(queue, { durable: true, arguments: { "x-queue-type": "quorum" } }));
    await withChannel(async (ch) => {
      ch.sendToQueue(queue, Buffer.from("someone else's"));
      await new Promise((r) => setTimeout(r, 300));
    });
    const file = write("rabbit-existing.json", plan);
    const out = tempDir();
    const noFlag = gauntlet(["run", "--plan", file, "--broker", node.url, "--out", out, "--no-progress"]);
    expect(noFlag.code).toBe(3);
    expect(noFlag.stderr).toMatch(/\$\.useExisting: .*needs --use-existing/);
    const full = gauntlet(["run", "--plan", file, "--broker", node.url, "--use-existing", "--out", out, "--no-progress"]);
    expect(full.code).toBe(3);
    expect(full.stderr).toMatch(/refusing to start: existing-orders holds 1 message/);
    expect((await withChannel((ch) => ch.checkQueue(queue))).messageCount).toBe(1);
    await withChannel((ch) => ch.purgeQueue(queue));
    const r = gauntlet(["run", "--plan", file, "--broker", node.url, "--use-existing", "--out", out, "--json", "--no-progress"]);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.plan.existing.entities).toEqual([queue]);
    expect(summary.command).toMatch(/--use-existing/);
    expect(r.stderr).toMatch(/existing entities: existing-orders/);
    // Still there, and empty: Gauntlet deleted nothing and its drains took what it sent.
    expect(await withChannel((ch) => ch.checkQueue(queue))).toMatchObject({ messageCount: 0, consumerCount: 0 });
  }, 120_000);

  it("names a queue that does not exist, and refuses a dead-letter claim it cannot read", () => {
    const missing = gauntlet(["run", "--plan", write("missing.json", { ...plan, entities: [{ kind: "queue", name: "no-such-queue" }] }), "--broker", node.url, "--use-existing", "--out", tempDir()]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/no queue "no-such-queue"/);
    const dl = gauntlet(["plan", "validate", write("dl.json", { ...plan, claims: [{ claim: "dead-letter-after", entity: queue, deliveries: 3 }] })]);
    expect(dl.code).toBe(3);
    expect(dl.stderr).toMatch(/\$\.claims\[0\]\.claim: dead-letter-after cannot be checked on an existing RabbitMQ queue/);
  });
});

describe("an existing Kafka topic (useExisting + --use-existing)", () => {
  const node = usePrivateKafka();
  if (!node) return;
  const topic = "existing-events";
  const plan = { gauntlet: "plan", version: 1, family: "kafka", useExisting: true, entities: [{ kind: "topic", name: topic, settings: { partitions: 2 } }], claims: [{ claim: "no-loss", entity: topic }], workload: { runs: 3, seed: 2 } };
  const withAdmin = async <T>(f: (admin: ReturnType<Kafka["admin"]>, kafka: Kafka) => Promise<T>): Promise<T> => {
    const kafka = new Kafka({ brokers: [node.url.replace("kafka://", "").split("?")[0]!], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      return await f(admin, kafka);
    } finally {
      await admin.disconnect();
    }
  };

  it("refuses a topic that retains a record, runs on it by its own name once empty, and creates or deletes no topic", async () => {
    await withAdmin(async (admin, kafka) => {
      await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({ topic, messages: [{ key: "k", value: "someone else's" }] });
      await producer.disconnect();
    });
    const file = write("kafka-existing.json", plan);
    const refused = gauntlet(["run", "--plan", file, "--broker", node.url, "--use-existing", "--out", tempDir(), "--no-progress"]);
    expect(refused.code, refused.stderr).toBe(3);
    expect(refused.stderr).toMatch(/refusing to start: existing-events holds 1 message/);
    // Empty it the Kafka way: move every partition's start offset to its end.
    const before = await withAdmin(async (admin) => {
      for (const p of await admin.fetchTopicOffsets(topic)) await admin.deleteTopicRecords({ topic, partitions: [{ partition: p.partition, offset: p.high }] });
      return admin.listTopics();
    });
    const r = gauntlet(["run", "--plan", file, "--broker", node.url, "--use-existing", "--out", tempDir(), "--json", "--no-progress"]);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.plan.existing.entities).toEqual([topic]);
    expect(summary.command).toMatch(/--use-existing/);
    expect(summary.suites.map((s: { verdict: unknown }) => s.verdict)).toEqual([true]);
    let records = 0;
    await withAdmin(async (admin) => {
      // The same topics (none created, none deleted), the topic kept its partitions, and it holds Gauntlet's records now.
      // (Kafka's own __consumer_offsets appears with the first consumer group: not a topic Gauntlet created.)
      const user = (ts: string[]) => ts.filter((t) => !t.startsWith("__")).sort();
      expect(user(await admin.listTopics())).toEqual(user(before));
      const offsets = await admin.fetchTopicOffsets(topic);
      expect(offsets).toHaveLength(2);
      records = offsets.reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
      expect(records).toBeGreaterThan(0);
    });
    // Kafka keeps what was read: the topic is not empty any more, so a second run is refused.
    const again = gauntlet(["run", "--plan", file, "--broker", node.url, "--use-existing", "--out", tempDir(), "--no-progress"]);
    expect(again.code).toBe(3);
    // Kafka's count is exact (end − start offsets), never the "N+" of a peek.
    expect(again.stderr).toContain(`refusing to start: existing-events holds ${records} message${records === 1 ? "" : "s"}`);
  }, 180_000);

  it("names a topic that does not exist, and does not create it", async () => {
    const r = gauntlet(["run", "--plan", write("kafka-missing.json", { ...plan, entities: [{ kind: "topic", name: "no-such-topic" }], claims: [] }), "--broker", node.url, "--use-existing", "--out", tempDir()]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/no topic "no-such-topic"/);
    expect(await withAdmin((admin) => admin.listTopics())).not.toContain("no-such-topic");
  }, 60_000);
});

describe("existing entities on a Service Bus emulator (servicebus:// + --use-existing)", () => {
  let emulator: EmulatorProcess;
  beforeAll(async () => {
    emulator = await startEmulatorProcess();
  }, 60_000);
  afterAll(async () => emulator?.stop());
  const plan = { gauntlet: "plan", version: 1, family: "servicebus", useExisting: true, entities: [{ kind: "queue", name: "orders", settings: { lockDuration: "PT1S", maxDeliveryCount: 3, requiresDuplicateDetection: true, duplicateDetectionHistoryTimeWindow: "PT20S" } }], claims: [{ claim: "no-loss", entity: "orders" }, { claim: "dead-letter-after", entity: "orders", deliveries: 3 }], workload: { runs: 3, seed: 4 } };
  const broker = "servicebus://?connection-string-env=GAUNTLET_TEST_SB";

  it("refuses a queue holding a message, then runs its claims on the emptied queue (message ids scoped per scenario: duplicate detection never spans scenarios); the queue is left empty", async () => {
    const env = { GAUNTLET_TEST_SB: emulator.connectionString };
    const client = new ServiceBusClient(emulator.connectionString);
    try {
      await client.createSender("orders").sendMessages({ messageId: "theirs", body: "x" });
      const file = write("sb-existing.json", plan);
      const refused = gauntlet(["run", "--plan", file, "--broker", broker, "--use-existing", "--out", tempDir(), "--no-progress"], undefined, env);
      expect(refused.code).toBe(3);
      expect(refused.stderr).toMatch(/refusing to start: orders holds 1 message/);
      const left = await client.createReceiver("orders", { receiveMode: "receiveAndDelete" }).receiveMessages(1, { maxWaitTimeInMs: 2_000 });
      expect(left.map((m) => m.messageId)).toEqual(["theirs"]);
      const r = gauntlet(["run", "--plan", file, "--broker", broker, "--use-existing", "--out", tempDir(), "--json", "--no-progress"], undefined, env);
      expect(r.code, r.stderr).toBe(0);
      const summary = JSON.parse(r.stdout);
      expect(summary.suites.map((s: { suite: string }) => s.suite)).toEqual(["no-loss@orders", "dead-letter-after-3@orders"]);
      expect(summary.plan.existing.note).toMatch(/created and deleted none/);
      expect(await client.createReceiver("orders").peekMessages(10)).toEqual([]);
      expect(await client.createReceiver("orders", { subQueueType: "deadLetter" }).peekMessages(10)).toEqual([]);
      const onEmbedded = gauntlet(["run", "--plan", file, "--broker", "servicebus-emulator://", "--use-existing", "--out", tempDir()]);
      expect(onEmbedded.code).toBe(3);
      expect(onEmbedded.stderr).toMatch(/servicebus-emulator:\/\/ starts an empty broker of its own/);
    } finally {
      await client.close();
    }
  }, 120_000);
});
