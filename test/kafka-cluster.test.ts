import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { KAFKA_INSTALL, kafkaInstalled } from "../src/brokers/local/kafka-install.js";
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

/** Two producers sending one message every 500 ms for 17 s, one consumer; faults at fixed times so both configurations meet the same ones. */
function scenario(faults: Scenario["faults"]): Scenario {
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
    faults,
  };
}

interface Replayed {
  code: number | null;
  out: string;
  ops: { f: string; type: string; value: { name: string; phase: string; detail: Record<string, unknown> } }[];
  logs: string;
}

/** One producer sending 20 keyed messages 50 ms apart: the idempotent-producer suite's shape, short. */
function producerScenario(faults: Scenario["faults"]): Scenario {
  const sends = Array.from({ length: 20 }, (_, i) => ({ delayMs: 50, messages: [{ id: `m${i + 1}`, key: `k${i % 2}`, size: 100 }] }));
  return {
    version: 1,
    suite: "idempotent-producer",
    seed: 1,
    entities: [{ kind: "queue", name: "payments" }],
    producers: [{ name: "p1", target: "payments", sends }],
    consumers: [{ name: "c1", source: "payments", mode: "peek-lock", batch: 4, actions: [], startDelayMs: 0 }],
    durationMs: 20_000,
    faults,
  };
}

function replay(url: string, faults: Scenario["faults"], env: Record<string, string>, s: Scenario = scenario(faults)): Replayed {
  const dir = tempDir();
  const repro = join(dir, "repro.json");
  writeFileSync(repro, JSON.stringify({ gauntlet: "repro", version: 1, suite: s.suite, broker: url, seed: 1, scenario: s }));
  const run = gauntlet(["replay", repro, "--broker", url, "--out", dir, "--json"], undefined, env);
  expect(run.stdout, run.stderr).toMatch(/^\{/);
  const summary = JSON.parse(run.stdout) as { reportDir: string; brokerLogs?: string[] };
  const ops = readFileSync(join(summary.reportDir, "history.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
  const logs = (summary.brokerLogs ?? []).map((f) => readFileSync(join(summary.reportDir, f), "utf8")).join("\n");
  return { code: run.code, out: run.stdout + run.stderr, ops, logs };
}

describe("a 3-node Kafka cluster (KRaft): acks=all keeps acknowledged writes through a leader partition and kill, acks=1 loses them; a lost Produce response duplicates without idempotence only", () => {
  if (!requireBroker("Kafka", kafkaInstalled(), KAFKA_INSTALL)) return;
  if (!requireBroker("network namespaces", netnsUsable(), NET_ADMIN_HINT)) return;

  it("up lists three nodes; the good configuration is valid, the bad one loses writes (`lost`); a lost Produce response through the per-node proxies duplicates only without idempotence; `down` leaves nothing behind", () => {
    const env = { GAUNTLET_STATE_DIR: tempDir() };
    const up = gauntlet(["brokers", "up", "kafka", "--nodes", "3"], undefined, env);
    let nodes: { name: string; address: string; role: string; pid: number; namespace: string }[] = [];
    try {
      expect(up.code, up.stderr).toBe(0);
      const status = JSON.parse(gauntlet(["brokers", "status", "--json"], undefined, env).stdout);
      const cluster = status.clusters.find((c: { name: string }) => c.name === "kafka-cluster");
      nodes = cluster.nodes;
      expect(nodes).toHaveLength(3);
      for (const n of nodes) expect(n).toMatchObject({ address: expect.stringMatching(/^10\.213\.\d+\.\d+$/), role: "broker,controller", pid: expect.any(Number), running: true });

      // acks=all, min.insync.replicas=2, replication factor 3 (the cluster's default), no unclean election.
      const good = replay(`${cluster.url}?partitions=1&min-insync-replicas=2`, [
        { name: "partition-leader", atMs: 500, durationMs: 8_000 },
        // longer than broker.session.timeout.ms (6 s): the controller fences the dead leader and elects another
        { name: "kill-leader", atMs: 10_000, durationMs: 9_000 },
      ], env);
      expect(good.code, good.out).toBe(0);
      const windows = good.ops.filter((o) => o.f === "fault" && o.type === "ok");
      const partition = windows.find((o) => o.value.name === "partition-leader" && o.value.phase === "start")!;
      expect((partition.value.detail.sides as string[][])[0]).toEqual([partition.value.detail.leader]);
      const killStop = windows.find((o) => o.value.name === "kill-leader" && o.value.phase === "stop")!;
      expect(killStop.value.detail, JSON.stringify(windows.map((o) => o.value))).toMatchObject({ leaderChanged: true });
      expect(good.ops.filter((o) => o.f === "send" && o.type === "ok").length).toBeGreaterThan(20);
      // The leader elections are in the broker logs copied into the report.
      expect(good.logs).toMatch(/[Ll]eader|[Ee]lect/);

      // acks=1: the isolated leader acknowledges alone; when the partition heals it truncates to the new leader's log.
      // The window must outlast the fencing: broker.session.timeout.ms (6 s), plus a KRaft quorum
      // election (~2-3 s) when the isolated leader was also the active controller. An 8 s window
      // healed before the fence in one CI run (valid, nothing lost); 13 s leaves ~4 s of writes
      // acknowledged by the fenced leader alone.
      const bad = replay(`${cluster.url}?partitions=1&acks=1&idempotent=false`, [{ name: "partition-leader", atMs: 500, durationMs: 13_000 }], env);
      expect(bad.code, bad.out).toBe(1);
      expect(bad.out).toMatch(/lost/);

      // Protocol faults reach a cluster: each node's PROXIED listener advertises the port of a
      // per-node protocol proxy, so producers stay behind the proxies whichever node leads.
      const lost = [{ name: "lost-produce-response" as const, atMs: 100, durationMs: 1_500, params: { nth: 2 } }];
      const firedIn = (r: Replayed) => r.ops.filter((o) => o.f === "fault" && o.type === "ok" && o.value.phase === "stop").reduce((n, o) => n + Number(o.value.detail.fired ?? 0), 0);
      const doubled = replay(`${cluster.url}?idempotent=false`, lost, env, producerScenario(lost));
      expect(doubled.code, doubled.out).toBe(1);
      expect(doubled.out).toMatch(/"duplicated"/);
      expect(firedIn(doubled)).toBe(1);
      const once = replay(`${cluster.url}?idempotent=true`, lost, env, producerScenario(lost));
      expect(once.code, once.out).toBe(0);
      expect(firedIn(once)).toBe(1);
    } finally {
      const down = gauntlet(["brokers", "down", "kafka"], undefined, env);
      expect(down.code, down.stderr).toBe(0);
    }
    for (const n of nodes) expect(alive(n.pid)).toBe(false);
    const namespaces = spawnSync("ip", ["netns", "list"], { encoding: "utf8" }).stdout;
    for (const n of nodes) expect(namespaces).not.toContain(n.namespace);
    expect(existsSync(join(env.GAUNTLET_STATE_DIR, "kafka-cluster.json"))).toBe(false);
  }, 300_000);
});
