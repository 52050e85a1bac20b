import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KAFKA_INSTALL, kafkaInstalled } from "../src/brokers/local/kafka-install.js";
import { alive } from "../src/brokers/local/state.js";
import { TOXIPROXY_INSTALL, toxiproxyInstalled } from "../src/brokers/local/toxiproxy-install.js";
import { requireBroker } from "./broker-gate.js";
import { gauntlet, tempDir } from "./cli-helpers.js";

const faultOps = (dir: string) =>
  readFileSync(join(dir, readdirSync(dir)[0]!, "history.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l))
    .filter((o) => o.f === "fault" && o.type !== "invoke");

describe("Kafka producer retries under reset_peer (issue 3 acceptance)", () => {
  if (!requireBroker("Kafka", kafkaInstalled(), KAFKA_INSTALL)) return;
  if (!requireBroker("toxiproxy", toxiproxyInstalled(), TOXIPROXY_INSTALL)) return;
  const env = { GAUNTLET_STATE_DIR: tempDir() };
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

  it("with idempotence off, finds duplicated messages and saves a repro", () => {
    const out = tempDir();
    const r = gauntlet(["run", "--broker", `${url}?idempotent=false`, "idempotent-producer", "--faults", "reset-peer", "--runs", "10", "--seed", "7", "--shrink-budget", "15", "--out", out, "--no-progress"], undefined, env);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/duplicated=\d+/);
    expect(readdirSync(join(out, readdirSync(out)[0]!))).toContain("repro-idempotent-producer.json");
    expect(faultOps(out).some((o) => o.value.name === "reset-peer" && o.value.target === "producers")).toBe(true);
  }, 240_000);

  it("with idempotence on, the same runs find none", () => {
    const out = tempDir();
    const r = gauntlet(["run", "--broker", `${url}?idempotent=true`, "idempotent-producer", "--faults", "reset-peer", "--runs", "10", "--seed", "7", "--out", out, "--no-progress"], undefined, env);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(faultOps(out).length).toBeGreaterThan(0);
  }, 240_000);

  it("is n/a without --faults, and memory:// refuses --faults naming its defect switches", () => {
    const r = gauntlet(["run", "--broker", url, "idempotent-producer", "--runs", "1", "--out", tempDir(), "--json", "--no-progress"], undefined, env);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).suites[0].notApplicable).toMatch(/--faults/);
    const m = gauntlet(["run", "--faults", "latency", "--runs", "1", "--out", tempDir()]);
    expect(m.code).toBe(3);
    expect(m.stderr).toMatch(/defects=/);
  }, 60_000);
});
