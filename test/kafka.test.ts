import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { KAFKA_INSTALL, kafkaInstalled } from "../src/brokers/local/kafka-install.js";
import { freePort } from "../src/brokers/local/free-port.js";
import { alive } from "../src/brokers/local/state.js";
import { startEnvironment } from "../src/environments/start.js";
import { CONFORMANCE_CHECKS, runConformance } from "../src/drivers/conformance/index.js";
import { requireBroker, usePrivateKafka } from "./broker-gate.js";
import { gauntlet, tempDir } from "./cli-helpers.js";

describe("Kafka (a private KRaft node from Maven Central jars)", () => {
  const node = usePrivateKafka();
  if (!node) return;
  const out = tempDir();

  /** Both clients are held to the same pass / n/a set. */
  async function expectConformance(url: string): Promise<void> {
    const env = await startEnvironment(url);
    const results = await runConformance(env, CONFORMANCE_CHECKS).finally(() => env.stop());
    expect(results.filter((r) => r.status === "fail")).toEqual([]);
    const status = Object.fromEntries(results.map((r) => [r.name, r.status]));
    expect(status).toMatchObject({ "send-receive-complete": "pass", "ordered-keys": "pass", "topic-fan-out": "pass", "competing-consumers": "pass", "abandon-redelivers": "n/a", "dead-letter-with-reason": "n/a" });
  }

  it("passes the conformance kit (n/a where Kafka has no such thing)", async () => {
    await expectConformance(node.url);
  }, 120_000);

  it("passes the same conformance checks on @platformatic/kafka (?client=platformatic)", async () => {
    await expectConformance(`${node.url}?client=platformatic`);
  }, 120_000);

  it("runs the foundation suites: valid where they apply, n/a where Kafka lacks the capability", () => {
    const r = gauntlet(["run", "--broker", node.url, "at-least-once", "ordering-per-key", "dead-letter", "lock-expiry", "--runs", "4", "--seed", "5", "--out", out, "--json", "--no-progress"]);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    const verdicts = Object.fromEntries(summary.suites.map((s: { suite: string; verdict: unknown; notApplicable?: string }) => [s.suite, s.notApplicable ? "n/a" : s.verdict]));
    expect(verdicts).toEqual({ "at-least-once": true, "ordering-per-key": true, "dead-letter": "n/a", "lock-expiry": "n/a" });
  }, 240_000);

  it("runs at-least-once and ordering-per-key on @platformatic/kafka: both valid", () => {
    const r = gauntlet(["run", "--broker", `${node.url}?client=platformatic`, "at-least-once", "ordering-per-key", "--runs", "4", "--seed", "5", "--out", out, "--json", "--no-progress"]);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    const verdicts = Object.fromEntries(summary.suites.map((s: { suite: string; verdict: unknown }) => [s.suite, s.verdict]));
    expect(verdicts).toEqual({ "at-least-once": true, "ordering-per-key": true });
  }, 240_000);

  it("rejects kafka:// options it does not know, naming the valid ones", () => {
    const r = gauntlet(["run", "--broker", `${node.url}?acks=2`, "--runs", "1", "--out", out]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/acks="2" must be all, 1 or 0/);
    const client = gauntlet(["run", "--broker", `${node.url}?client=librdkafka`, "--runs", "1", "--out", out]);
    expect(client.code).toBe(3);
    expect(client.stderr).toMatch(/client="librdkafka" must be kafkajs or platformatic/);
  });
});

describe("gauntlet brokers up / status / down (Kafka)", () => {
  if (!requireBroker("Kafka", kafkaInstalled(), KAFKA_INSTALL)) return;
  it("starts a node that outlives the command, lists its direct and proxied URLs, and stops it leaving nothing", () => {
    // Reuse the installed jars: only the state directory is private to this test.
    const vars = { GAUNTLET_STATE_DIR: tempDir() };
    expect(gauntlet(["brokers", "up", "kafka"], undefined, vars).code).toBe(0);
    const status = JSON.parse(gauntlet(["brokers", "status", "--json"], undefined, vars).stdout);
    const kafka = status.brokers.find((b: { name: string }) => b.name === "kafka");
    expect(kafka).toMatchObject({ installed: true, running: true, url: expect.stringMatching(/^kafka:\/\/127\.0\.0\.1:\d+$/), urls: { proxied: expect.stringMatching(/^kafka:\/\/127\.0\.0\.1:\d+$/) } });
    expect(gauntlet(["brokers", "down", "kafka"], undefined, vars).code).toBe(0);
    expect(alive(kafka.pid)).toBe(false);
    expect(existsSync(kafka.dir)).toBe(false);
  }, 120_000);
});

describe("an unreachable Kafka", () => {
  it.each(["kafkajs", "platformatic"])("exits 4 with a message within 10 s (client=%s)", async (client) => {
    const port = await freePort();
    const started = Date.now();
    const r = gauntlet(["run", "--broker", `kafka://127.0.0.1:${port}?client=${client}`, "at-least-once", "--runs", "1"]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/cannot connect to Kafka/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
