import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { RABBITMQ_INSTALL, rabbitMqInstalled } from "../src/brokers/local/rabbitmq-node.js";
import { NET_ADMIN_HINT, requireNetAdmin } from "../src/brokers/local/netns.js";
import { alive } from "../src/brokers/local/state.js";
import type { Scenario } from "../src/core/scenario.js";
import { requireBroker } from "./broker-gate.js";
import { gauntlet, tempDir } from "./cli-helpers.js";

function netnsUsable(): boolean {
  try {
    requireNetAdmin();
    return true;
  } catch {
    return false;
  }
}

/** A few dozen confirmed messages from two slow producers (sending for 17 s, past both faults, so a loaded host still confirms a few dozen), one consumer; a partition of the leader, then a leader kill. */
function scenario(): Scenario {
  let id = 0;
  const sends = () => Array.from({ length: 34 }, () => ({ delayMs: 500, messages: [{ id: `m${++id}`, size: 10 }] }));
  return {
    version: 1,
    suite: "failover",
    seed: 1,
    entities: [{ kind: "queue", name: "orders" }],
    producers: [
      { name: "p1", target: "orders", sends: sends() },
      { name: "p2", target: "orders", sends: sends() },
    ],
    consumers: [{ name: "c1", source: "orders", mode: "peek-lock", batch: 2, actions: [], startDelayMs: 0 }],
    durationMs: 60_000,
    faults: [
      { name: "partition-leader", atMs: 500, durationMs: 8_000 },
      { name: "kill-leader", atMs: 10_000, durationMs: 5_000 },
    ],
  };
}

describe("a 3-node RabbitMQ cluster: quorum queue through a partition and a leader kill", () => {
  if (!requireBroker("RabbitMQ", rabbitMqInstalled(), RABBITMQ_INSTALL)) return;
  if (!requireBroker("network namespaces", netnsUsable(), NET_ADMIN_HINT)) return;

  it("keeps every confirmed message, records the windows with their nodes, and `down` leaves nothing behind", () => {
    const env = { GAUNTLET_CACHE: tempDir() };
    const up = gauntlet(["brokers", "up", "rabbitmq", "--nodes", "3"], undefined, env);
    let nodes: { name: string; address: string; role: string; pid: number; namespace: string }[] = [];
    try {
      expect(up.code, up.stderr).toBe(0);
      const status = JSON.parse(gauntlet(["brokers", "status", "--json"], undefined, env).stdout);
      const cluster = status.clusters.find((c: { name: string }) => c.name === "rabbitmq-cluster");
      nodes = cluster.nodes;
      expect(nodes).toHaveLength(3);
      for (const n of nodes) expect(n).toMatchObject({ address: expect.stringMatching(/^10\.213\.\d+\.\d+$/), role: "member", pid: expect.any(Number), running: true });

      const dir = tempDir();
      const repro = join(dir, "repro.json");
      writeFileSync(repro, JSON.stringify({ gauntlet: "repro", version: 1, suite: "failover", broker: cluster.url, seed: 1, scenario: scenario() }));
      const run = gauntlet(["replay", repro, "--broker", cluster.url, "--out", dir, "--json"], undefined, env);
      expect(run.code, run.stdout + run.stderr).toBe(0);
      const summary = JSON.parse(run.stdout) as { reportDir: string; brokerLogs?: string[] };
      const ops = readFileSync(join(summary.reportDir, "history.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
      const windows = ops.filter((o) => o.f === "fault" && o.type === "ok");
      const partition = windows.find((o) => o.value.name === "partition-leader" && o.value.phase === "start");
      // The isolated node is the queue's leader, alone on its side.
      expect(partition.value.detail.sides[0]).toEqual([partition.value.detail.leader]);
      const killStop = windows.find((o) => o.value.name === "kill-leader" && o.value.phase === "stop");
      expect(killStop.value.detail, JSON.stringify(windows.map((o) => o.value))).toMatchObject({ leaderChanged: true });
      const acked = ops.filter((o) => o.f === "send" && o.type === "ok").length;
      expect(acked).toBeGreaterThan(20);
      // The leader elections are in the broker logs copied into the report.
      const logs = (summary.brokerLogs ?? []).map((f) => readFileSync(join(summary.reportDir, f), "utf8")).join("\n");
      expect(logs).toMatch(/detected a new leader|setting election timeout|election called/);

      // Protocol faults on a cluster: a protocol proxy in front of each node; a lost confirm still means a resend.
      const lost = gauntlet(["run", "idempotent-producer", "--broker", cluster.url, "--faults", "lost-confirm", "--runs", "5", "--seed", "1", "--shrink-budget", "3", "--out", tempDir(), "--no-progress"], undefined, env);
      expect(lost.code, lost.stdout + lost.stderr).toBe(1);
      expect(lost.stdout).toMatch(/duplicated=\d+/);
    } finally {
      const down = gauntlet(["brokers", "down", "rabbitmq"], undefined, env);
      expect(down.code, down.stderr).toBe(0);
    }
    for (const n of nodes) expect(alive(n.pid)).toBe(false);
    const namespaces = spawnSync("ip", ["netns", "list"], { encoding: "utf8" }).stdout;
    for (const n of nodes) expect(namespaces).not.toContain(n.namespace);
    const links = spawnSync("ip", ["-o", "link", "show"], { encoding: "utf8" }).stdout;
    const octet = nodes[0]!.address.split(".")[2];
    expect(links).not.toMatch(new RegExp(`gt(br)?${octet}(n\\d)?[:@]`));
    expect(existsSync(join(env.GAUNTLET_CACHE, "brokers", "rabbitmq-cluster.json"))).toBe(false);
  }, 180_000);
});

describe("a 3-node RabbitMQ cluster, mirrored classic queues under autoheal: the known-bad configuration", () => {
  if (!requireBroker("RabbitMQ", rabbitMqInstalled(), RABBITMQ_INSTALL)) return;
  if (!requireBroker("network namespaces", netnsUsable(), NET_ADMIN_HINT)) return;

  it("loses confirmed messages when the producer's node is isolated (`lost`), and the history names the node that confirmed them", () => {
    const env = { GAUNTLET_CACHE: tempDir() };
    const up = gauntlet(["brokers", "up", "rabbitmq", "--nodes", "3", "--partition-handling", "autoheal", "--mirrored"], undefined, env);
    try {
      expect(up.code, up.stderr).toBe(0);
      const status = JSON.parse(gauntlet(["brokers", "status", "--json"], undefined, env).stdout);
      const url = status.clusters.find((c: { name: string }) => c.name === "rabbitmq-cluster").url as string;
      // A real-broker repro reproduces at a rate (4 of 4 and 1 of 2 replays here; on a loaded host
      // the isolated node may notice the partition too late to confirm alone): up to 3 replays, the
      // first loss ends it. A valid replay is still a clean run (exit 0), never an error.
      let run = { code: null as number | null, stdout: "", stderr: "" };
      for (let attempt = 1; attempt <= 3 && run.code !== 1; attempt++) {
        run = gauntlet(["replay", "fixtures/clusters/producer-partition.json", "--broker", `${url}?queue-type=classic`, "--out", tempDir(), "--json"], undefined, env);
        expect([0, 1], run.stdout + run.stderr).toContain(run.code);
      }
      expect(run.code, run.stdout + run.stderr).toBe(1);
      expect(run.stdout).toMatch(/lost/);
      const summary = JSON.parse(run.stdout) as { reportDir: string; brokerLogs?: string[] };
      const ops = readFileSync(join(summary.reportDir, "history.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
      const isolated = ops.find((o) => o.f === "fault" && o.type === "ok" && o.value.phase === "start").value.detail.sides[0] as number[];
      expect(isolated).toHaveLength(1);
      // p1 publishes through the isolated node, p2 through another: both recorded on their completions.
      const firstNode = (p: string) => ops.find((o) => o.f === "send" && o.type === "ok" && o.process === p)?.node as string | undefined;
      expect(firstNode("p1")).toEqual(expect.any(String));
      expect(firstNode("p1")).not.toBe(firstNode("p2"));
      // autoheal restarted the isolated node: the decision is in the broker logs copied into the report.
      const logs = (summary.brokerLogs ?? []).map((f) => readFileSync(join(summary.reportDir, f), "utf8")).join("\n");
      expect(logs).toMatch(/[Aa]utoheal/);
    } finally {
      const down = gauntlet(["brokers", "down", "rabbitmq"], undefined, env);
      expect(down.code, down.stderr).toBe(0);
    }
  }, 420_000);
});

describe("cluster faults without a cluster", () => {
  it("are refused with the command that starts one (exit 3)", () => {
    const r = gauntlet(["run", "failover", "--broker", "amqp://guest:guest@127.0.0.1:1", "--faults", "partition-halves", "--runs", "1"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/brokers up rabbitmq --nodes 3/);
  });
});
