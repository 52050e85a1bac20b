import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KAFKA_INSTALL, kafkaInstalled } from "../src/brokers/local/kafka-install.js";
import { alive } from "../src/brokers/local/state.js";
import { TOXIPROXY_INSTALL, toxiproxyInstalled } from "../src/brokers/local/toxiproxy-install.js";
import { requireBroker } from "./broker-gate.js";
import { gauntlet, tempDir } from "./cli-helpers.js";

const plan = (acks: string) => ({
  gauntlet: "plan",
  version: 1,
  family: "kafka",
  entities: [{ kind: "topic", name: "events", settings: { partitions: 1 } }],
  producer: { acks },
  claims: [{ claim: "no-loss", entity: "events" }],
  workload: { runs: 10, seed: 7, messages: 40 },
});
const results = (out: string) => JSON.parse(readFileSync(join(out, readdirSync(out)[0]!, "results.json"), "utf8"));

describe("Kafka plans on a real Kafka (brokers up kafka)", () => {
  if (!requireBroker("Kafka", kafkaInstalled(), KAFKA_INSTALL)) return;
  if (!requireBroker("toxiproxy", toxiproxyInstalled(), TOXIPROXY_INSTALL)) return;
  const env = { GAUNTLET_STATE_DIR: tempDir() };
  const dir = tempDir();
  let url = "";
  let pid = 0;
  beforeAll(() => {
    expect(gauntlet(["brokers", "up", "kafka"], undefined, env).code).toBe(0);
    const kafka = JSON.parse(gauntlet(["brokers", "status", "--json"], undefined, env).stdout).brokers.find((b: { name: string }) => b.name === "kafka");
    url = kafka.url;
    pid = kafka.pid;
  }, 120_000);
  afterAll(() => {
    gauntlet(["brokers", "down"], undefined, env);
    expect(alive(pid)).toBe(false);
  }, 60_000);

  it("runs the fixture plan: topic settings applied, claims derived and valid (exit 0)", () => {
    const out = tempDir();
    const r = gauntlet(["run", "--plan", "fixtures/plans/kafka.json", "--broker", url, "--runs", "3", "--out", out, "--no-progress"], undefined, env);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/no-loss@orders: acks=all/);
    expect(r.stdout).toMatch(/not checked: orders retention\.ms=604800000/);
    const s = results(out);
    expect(s.plan.family).toBe("kafka");
    // Read back from the broker after creating the topic (describeConfigs), values as Kafka reports them.
    expect(s.plan.validatedConfiguration.orders.native).toMatchObject({ partitions: 3, replicationFactor: 1, configs: { "min.insync.replicas": "1", "unclean.leader.election.enable": "false", "retention.ms": "604800000" } });
    expect(s.suites.map((x: { suite: string; verdict: unknown; notApplicable?: string }) => [x.suite, x.notApplicable ? "n/a" : x.verdict])).toEqual([["no-loss@orders", true], ["order-per-key@orders", true], ["no-duplicates@orders", "n/a"]]);
  }, 180_000);

  it("a no-loss claim with acks=0 is caught under --faults timeout (a toxic that drops what producers write) (exit 1, lost, repro); the same claim with acks=all holds (exit 0)", () => {
    writeFileSync(join(dir, "acks0.json"), JSON.stringify(plan("0")));
    writeFileSync(join(dir, "acksall.json"), JSON.stringify(plan("all")));
    const bad = tempDir();
    const r = gauntlet(["run", "--plan", join(dir, "acks0.json"), "--broker", url, "--faults", "timeout", "--shrink-budget", "15", "--out", bad, "--no-progress"], undefined, env);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/not checked: events acks=0/);
    expect(r.stdout).toMatch(/lost=\d+/);
    expect(readdirSync(join(bad, readdirSync(bad)[0]!))).toContain("repro-no-loss@events.json");
    const good = tempDir();
    const ok = gauntlet(["run", "--plan", join(dir, "acksall.json"), "--broker", url, "--faults", "timeout", "--out", good, "--no-progress"], undefined, env);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    const history = readFileSync(join(good, readdirSync(good)[0]!, "history.jsonl"), "utf8");
    expect(history).toMatch(/"f":"fault".*"name":"timeout"/);
  }, 240_000);

  it("plan import kafka reads a live topic's partitions and configs; unmodelled ones are named; the plan runs", async () => {
    const admin = new Kafka({ brokers: [url.replace("kafka://", "")], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: "live-orders", numPartitions: 4, configEntries: [{ name: "retention.ms", value: "3600000" }, { name: "compression.type", value: "lz4" }] }] });
    await admin.disconnect();
    const r = gauntlet(["plan", "import", "kafka", "--broker", url, "--topic", "live-orders"], undefined, env);
    expect(r.code, r.stderr).toBe(0);
    const p = JSON.parse(r.stdout);
    expect(p.entities).toEqual([{ kind: "topic", name: "live-orders", settings: { partitions: 4, replicationFactor: 1, configs: { "min.insync.replicas": 1, "unclean.leader.election.enable": false, "retention.ms": 3600000 } } }]);
    expect(r.stderr).toMatch(/not honoured: .*compression\.type=lz4/);
    writeFileSync(join(dir, "imported.json"), r.stdout);
    const run = gauntlet(["run", "--plan", join(dir, "imported.json"), "--runs", "2", "--out", tempDir(), "--no-progress"], undefined, env);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const missing = gauntlet(["plan", "import", "kafka", "--broker", url, "--topic", "no-such-topic"], undefined, env);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/no topic "no-such-topic"[\s\S]*live-orders/);
  }, 120_000);
});

describe("Kafka plans: bad input and an unreachable broker", () => {
  it("plan import kafka against an unreachable broker exits 4 within 10 s", () => {
    const t0 = Date.now();
    const r = gauntlet(["plan", "import", "kafka", "--broker", "kafka://127.0.0.1:1", "--topic", "orders"]);
    expect(r.code).toBe(4);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(r.stderr).toMatch(/cannot reach 127\.0\.0\.1:1/);
  }, 20_000);

  it("a bad Kafka plan exits 3 naming each bad field's JSON path", () => {
    const dir = tempDir();
    const file = join(dir, "bad.json");
    writeFileSync(file, JSON.stringify({ ...plan("1"), producer: { acks: "1", "enable.idempotence": true, lingerMs: 5 }, entities: [{ kind: "topic", name: "events", settings: { configs: { "min.insync.replicas": 2 } } }] }));
    for (const args of [["plan", "validate", file], ["run", "--plan", file, "--broker", "kafka://127.0.0.1:1"]]) {
      const r = gauntlet(args);
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/\$\.producer\.lingerMs: unknown setting/);
    }
    writeFileSync(file, JSON.stringify({ ...plan("1"), producer: { acks: "1", "enable.idempotence": true }, entities: [{ kind: "topic", name: "events", settings: { configs: { "min.insync.replicas": 2 } } }] }));
    const r = gauntlet(["plan", "validate", file]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/\$\.producer\["enable\.idempotence"\]: an idempotent producer needs acks=all/);
    expect(r.stderr).toMatch(/\$\.entities\[0\]\.settings\.configs\["min\.insync\.replicas"\]: min\.insync\.replicas 2 is more than the replication factor 1/);
    expect(gauntlet(["run", "--plan", "fixtures/plans/kafka.json", "--broker", "amqp://127.0.0.1:1"]).stderr).toMatch(/a kafka plan cannot run on amqp:\/\//);
  });
});
