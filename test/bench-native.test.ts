import { readFileSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { RABBITMQ_INSTALL, rabbitMqInstalled, startRabbitMqNode } from "../src/brokers/local/rabbitmq-node.js";
import { requireBroker, usePrivateKafka, usePrivateNode } from "./broker-gate.js";
import { gauntlet, tempDir } from "./cli-helpers.js";

const SHORT = ["--quick", "--sizes", "100", "--json", "--no-progress"];

function expectNative(stdout: string, tool: string) {
  const run = JSON.parse(stdout);
  const results = JSON.parse(readFileSync(join(run.reportDir, "results.json"), "utf8"));
  expect(results.native.tool).toBe(tool);
  expect(results.native.msgsPerSec).toBeGreaterThan(0);
  expect(results.native.ratio).toBeGreaterThan(0);
  expect(results.native.runs[0].size).toBe(100);
  expect(readFileSync(join(run.reportDir, "report.html"), "utf8")).toContain("Native tool comparison");
  // The ratio is taken from the twin cell run again with nothing consumed (as the tool runs), every
  // acknowledged message read back after; the matrix's cell (consumer in the same process) beside it.
  const r0 = results.native.runs[0];
  expect(r0.gauntletCell).toMatch(/producer only\)$/);
  const [read, acked] = r0.gauntletTiming.readBack.split(" of ").map(Number);
  expect(acked).toBeGreaterThan(0);
  expect(read).toBe(acked);
  expect(r0.withConsumer.gauntletCell).not.toMatch(/producer only/);
  expect(r0.withConsumer.gauntletMsgsPerSec).toBeGreaterThan(0);
  return results;
}

describe("bench send-modes --native", () => {
  it("memory:// has no native tool: a usage error (exit 3) before anything runs", () => {
    const r = gauntlet(["bench", "send-modes", "--broker", "memory://", "--native", "--quick", "--no-progress"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/--native: memory:\/\/ has no native perf tool/);
  });
});

describe("bench send-modes --native on Kafka (a private KRaft node)", () => {
  const node = usePrivateKafka();
  if (!node) return;
  const out = tempDir();

  it("runs kafka-producer-perf-test and prints Gauntlet's throughput as a ratio to it", () => {
    const r = gauntlet(["bench", "send-modes", "--broker", node.url, "--native", "--modes", "batched", "--batch", "100", "--out", out, ...SHORT]);
    expect(r.code, r.stderr).toBe(0);
    const results = expectNative(r.stdout, "kafka-producer-perf-test");
    expect(results.native.runs[0].settings.acks).toBe("all");
    expect(results.native.gauntletCell).toMatch(/^batched\/100\/100/);
    const text = gauntlet(["bench", "send-modes", "--broker", node.url, "--native", "--modes", "batched", "--batch", "100", "--out", out, "--quick", "--sizes", "100", "--no-progress"]);
    expect(text.stdout).toMatch(/gauntlet [\d,]+ msgs\/s = \d+\.\d\d × kafka-producer-perf-test [\d,]+ msgs\/s/);
  }, 120_000);
});

describe("bench send-modes --native on RabbitMQ (a private node; PerfTest installed on first use)", () => {
  const mvn = spawnSync("mvn", ["-v"], { stdio: "ignore" }).status === 0;
  if (!requireBroker("RabbitMQ and maven", rabbitMqInstalled() && mvn, `${RABBITMQ_INSTALL} maven`)) return;
  const node = usePrivateNode(() => startRabbitMqNode());
  const out = tempDir();

  it("runs PerfTest with the pipelined cell's in-flight limit and compares with that cell", () => {
    const r = gauntlet(["bench", "send-modes", "--broker", `${node.url}?queue-type=quorum`, "--native", "--modes", "pipelined", "--in-flight", "50", "--out", out, ...SHORT]);
    expect(r.code, r.stderr).toBe(0);
    const results = expectNative(r.stdout, "rabbitmq-perf-test");
    expect(results.native.gauntletCell).toMatch(/^pipelined\/100\/50/);
    expect(results.native.runs[0].command).toContain("-c 50");
    expect(results.native.runs[0].command).toContain("--quorum-queue");
    expect(results.native.runs[0].command).not.toContain("guest:guest");
  }, 180_000);
});
