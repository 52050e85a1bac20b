import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RABBITMQ_INSTALL, rabbitMqInstalled } from "../src/brokers/local/rabbitmq-node.js";
import { alive } from "../src/brokers/local/state.js";
import { TOXIPROXY_INSTALL, toxiproxyInstalled } from "../src/brokers/local/toxiproxy-install.js";
import { requireBroker } from "./broker-gate.js";
import { gauntlet, tempDir } from "./cli-helpers.js";

/**
 * A quorum queue with publisher confirms across kill -9 and restart of the node: sends every
 * 200 ms for ~3 s, the kill 1.5 s in. The kill comes well after setup on purpose: RabbitMQ 3.10.8
 * loses a quorum queue declared under ~1 s before a SIGKILL (no leader after the restart, its
 * confirmed messages unreachable); docs/faults.md describes it.
 */
const sends = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => ({ delayMs: 200, messages: [{ id: `${prefix}${i}`, size: 10 }] }));
const repro = (broker: string) => ({
  gauntlet: "repro",
  version: 1,
  suite: "at-least-once",
  broker,
  seed: 1,
  anomalies: [],
  scenario: {
    version: 1,
    suite: "at-least-once",
    seed: 1,
    entities: [{ kind: "queue", name: "orders", lockDurationMs: 5_000, maxDeliveryCount: 10 }],
    producers: [{ name: "p1", target: "orders", sends: sends("a", 15) }, { name: "p2", target: "orders", sends: sends("b", 15) }],
    consumers: [{ name: "c1", source: "orders", mode: "peek-lock", batch: 2, actions: [], startDelayMs: 0 }],
    durationMs: 30_000,
    faults: [{ name: "kill", atMs: 1_500, durationMs: 300 }],
  },
});

describe("process faults on a RabbitMQ node from `gauntlet brokers up`", () => {
  if (!requireBroker("RabbitMQ", rabbitMqInstalled(), RABBITMQ_INSTALL)) return;
  if (!requireBroker("toxiproxy", toxiproxyInstalled(), TOXIPROXY_INSTALL)) return;
  const env = { GAUNTLET_STATE_DIR: tempDir() };
  let node: { url: string; pid: number; dir: string };
  const status = () => JSON.parse(gauntlet(["brokers", "status", "--json"], undefined, env).stdout).brokers.find((b: { name: string }) => b.name === "rabbitmq");
  beforeAll(() => {
    expect(gauntlet(["brokers", "up", "rabbitmq"], undefined, env).code).toBe(0);
    node = status();
  }, 120_000);
  afterAll(() => {
    const last = status();
    gauntlet(["brokers", "down"], undefined, env);
    for (const pid of [node?.pid, last?.pid]) if (pid) expect(alive(pid)).toBe(false);
  }, 60_000);

  it("loses no confirmed message on a quorum queue across kill -9 and restart", () => {
    const dir = tempDir();
    const file = join(dir, "repro-kill.json");
    writeFileSync(file, JSON.stringify(repro(node.url)));
    const out = join(dir, "out");
    const r = gauntlet(["replay", file, "--out", out, "--json"], undefined, env);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    const stats = summary.suites[0].results["at-least-once"].stats;
    expect(stats.acked).toBeGreaterThan(10); // confirmed sends before and after the kill, all delivered (valid)
    const history = readFileSync(join(out, readdirSync(out)[0]!, "history.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    const kill = history.filter((o) => o.process === "nemesis" && o.type === "ok").map((o) => `${o.value.name} ${o.value.phase}`);
    expect(kill).toEqual(["kill start", "kill stop"]);
    // Some op failed while the node was down: the kill really happened under the clients.
    expect(history.some((o) => o.process !== "nemesis" && (o.type === "info" || o.type === "fail"))).toBe(true);
    // The node came back as a new process, recorded for `brokers down`.
    const after = status();
    expect(after.running).toBe(true);
    expect(after.pid).not.toBe(node.pid);
    expect(alive(node.pid)).toBe(false);
  }, 120_000);

  it("refuses kill for a node Gauntlet did not start, naming the faults it can inject there", () => {
    const r = gauntlet(["run", "--broker", node.url, "at-least-once", "--faults", "kill", "--runs", "1", "--out", tempDir()], undefined, { GAUNTLET_STATE_DIR: tempDir() });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/brokers up rabbitmq/);
    expect(r.stderr).toMatch(/available for this URL: latency, bandwidth, timeout, reset-peer, cut, slicer/);
    expect(r.stderr).not.toContain("guest:guest");
  }, 60_000);
});
