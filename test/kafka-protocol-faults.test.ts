import { readFileSync, readdirSync } from "node:fs";
import { type Server, createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KAFKA_INSTALL, kafkaInstalled } from "../src/brokers/local/kafka-install.js";
import { alive } from "../src/brokers/local/state.js";
import { startProtocolProxy } from "../src/faults/protocol/proxy.js";
import { requireBroker } from "./broker-gate.js";
import { gauntletAsync } from "./cli-async.js";
import { gauntlet, tempDir } from "./cli-helpers.js";

/** Frames the protocol faults' windows acted on, over the representative history. */
const fired = (out: string, name: string): number =>
  readFileSync(join(out, readdirSync(out)[0]!, "history.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l))
    .filter((o) => o.f === "fault" && o.type === "ok" && o.value.name === name && o.value.phase === "stop")
    .reduce((n, o) => n + (o.value.detail?.fired ?? 0), 0);

describe("Kafka protocol faults (issue 17)", () => {
  if (!requireBroker("Kafka", kafkaInstalled(), KAFKA_INSTALL)) return;
  const stateDir = tempDir();
  const env = { GAUNTLET_STATE_DIR: stateDir };
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
  const run = (broker: string, fault: string, out: string, extra: string[] = []) =>
    gauntlet(["run", "--broker", broker, "idempotent-producer", "--faults", fault, "--runs", "5", "--seed", "1", "--out", out, "--no-progress", ...extra], undefined, env);

  it("a proxy with no fault in force is transparent: a suite passes through it, every byte read is forwarded", async () => {
    // The node advertises its proxy port on its second listener: every connection stays behind the proxy.
    const { proxyPort, proxiedPort } = JSON.parse(readFileSync(join(stateDir, "kafka.json"), "utf8")) as { proxyPort: number; proxiedPort: number };
    const proxy = await startProtocolProxy({ protocol: "kafka", listen: `127.0.0.1:${proxyPort}`, upstream: `127.0.0.1:${proxiedPort}` });
    try {
      const r = await gauntletAsync(["run", "--broker", `kafka://127.0.0.1:${proxyPort}`, "at-least-once", "--runs", "3", "--seed", "3", "--out", tempDir(), "--no-progress"], env);
      expect(r.code, r.output).toBe(0);
      expect(proxy.read["to-broker"]).toBeGreaterThan(1_000);
      expect(proxy.bytes).toEqual(proxy.read);
    } finally {
      await proxy.stop();
    }
  }, 60_000);

  it("a lost Produce response with idempotence off stores a duplicate: exit 1, duplicated", () => {
    const out = tempDir();
    const r = run(`${url}?idempotent=false`, "lost-produce-response", out, ["--shrink-budget", "3"]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/duplicated=\d+/);
    expect(fired(out, "lost-produce-response")).toBeGreaterThan(0);
  }, 90_000);

  it("with idempotence on, the same lost responses store nothing twice: exit 0", () => {
    const out = tempDir();
    const r = run(`${url}?idempotent=true`, "lost-produce-response", out);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(fired(out, "lost-produce-response")).toBeGreaterThan(0);
  }, 90_000);

  it("a Produce response rewritten to REQUEST_TIMED_OUT after the append duplicates without idempotence: exit 1", () => {
    const out = tempDir();
    const r = run(`${url}?idempotent=false`, "produce-timed-out", out, ["--shrink-budget", "3"]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/duplicated=\d+/);
    expect(fired(out, "produce-timed-out")).toBeGreaterThan(0);
  }, 90_000);

  it("NOT_LEADER_OR_FOLLOWER storms are retried without loss or duplicates, even without idempotence", () => {
    const out = tempDir();
    const r = run(`${url}?idempotent=false`, "not-leader", out);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(fired(out, "not-leader")).toBeGreaterThan(1);
  }, 90_000);

  it("lost OffsetCommit responses and COORDINATOR_LOAD_IN_PROGRESS answers (consumers behind the proxy too) lose nothing: exit 0", () => {
    const out = tempDir();
    const r = run(`${url}?idempotent=true`, "lost-commit-response,coordinator-loading", out);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(fired(out, "lost-commit-response") + fired(out, "coordinator-loading")).toBeGreaterThan(0);
  }, 90_000);

  it("REBALANCE_IN_PROGRESS answers to consumers' heartbeats make them rejoin their group, and lose nothing: exit 0", () => {
    const out = tempDir();
    const r = run(`${url}?idempotent=true`, "rebalance-in-progress", out);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(fired(out, "rebalance-in-progress")).toBeGreaterThan(0);
  }, 90_000);

  it("refuses a fault Kafka has no frame for (exit 3) and a proxy that cannot bind (exit 4)", async () => {
    const r = run(url, "lost-confirm", tempDir());
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/lost-confirm not available on kafka:\/\/ \(an? AMQP 0-9-1 protocol fault/);
    expect(r.stderr).toMatch(/lost-produce-response/);
    const { proxyPort } = JSON.parse(readFileSync(join(stateDir, "kafka.json"), "utf8")) as { proxyPort: number };
    const squatter: Server = createServer();
    await new Promise<void>((resolve) => squatter.listen(proxyPort, "127.0.0.1", resolve));
    try {
      const blocked = run(url, "lost-produce-response", tempDir());
      expect(blocked.code, blocked.stdout + blocked.stderr).toBe(4);
      expect(blocked.stderr).toMatch(/protocol proxy cannot listen on 127\.0\.0\.1:\d+: .*EADDRINUSE/);
    } finally {
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
    }
  }, 60_000);
});
