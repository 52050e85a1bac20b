import { readFileSync, readdirSync } from "node:fs";
import { connect as netConnect, createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KAFKA_INSTALL, kafkaInstalled } from "../src/brokers/local/kafka-install.js";
import { alive } from "../src/brokers/local/state.js";
import { TOXIPROXY_INSTALL, toxiproxyInstalled } from "../src/brokers/local/toxiproxy-install.js";
import { type StartedToxiproxy, startToxiproxy } from "../src/brokers/local/toxiproxy-server.js";
import { networkFaults } from "../src/faults/network.js";
import { requireBroker } from "./broker-gate.js";
import { gauntlet, tempDir } from "./cli-helpers.js";

const faultOps = (dir: string) =>
  readFileSync(join(dir, readdirSync(dir)[0]!, "history.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l))
    .filter((o) => o.f === "fault" && o.type !== "invoke");

describe("network faults through a real toxiproxy", () => {
  if (!requireBroker("toxiproxy", toxiproxyInstalled(), TOXIPROXY_INSTALL)) return;
  let toxiproxy: StartedToxiproxy;
  const echo = createServer((s) => s.on("error", () => {}).pipe(s));
  beforeAll(async () => {
    toxiproxy = await startToxiproxy();
    await new Promise<void>((r) => echo.listen(0, "127.0.0.1", r));
  });
  afterAll(async () => {
    echo.close();
    await toxiproxy?.stop();
  });

  const roundTrip = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const started = Date.now();
      const s = netConnect(port, "127.0.0.1", () => s.write("ping"));
      s.once("data", () => (s.destroy(), resolve(Date.now() - started)));
      s.on("error", reject);
      s.once("close", () => reject(new Error("closed")));
    });

  it("latency delays, reset-peer resets, cut refuses, and healAll restores", async () => {
    const upstream = `127.0.0.1:${(echo.address() as { port: number }).port}`;
    const { injector, listen } = await networkFaults(toxiproxy.url, [{ name: "echo", listen: "127.0.0.1:0", upstream }], "all");
    const port = Number(listen.echo!.split(":")[1]);
    expect(await roundTrip(port)).toBeLessThan(100);
    const slow = await injector.start({ name: "latency", atMs: 0, durationMs: 1, params: { latency: 150, jitter: 0 } });
    expect(await roundTrip(port)).toBeGreaterThanOrEqual(140);
    await slow.stop();
    await injector.start({ name: "reset-peer", atMs: 0, durationMs: 1, params: { timeout: 0 } });
    await expect(roundTrip(port)).rejects.toThrow(/ECONNRESET|closed/);
    await injector.healAll();
    await injector.start({ name: "cut", atMs: 0, durationMs: 1 });
    await expect(roundTrip(port)).rejects.toThrow();
    await injector.healAll();
    expect(await roundTrip(port)).toBeLessThan(100);
    await injector.close();
  });
});

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
