import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { usePrivateKafka, usePrivateRabbitMq } from "./broker-gate.js";
import { gauntlet, tempDir } from "./cli-helpers.js";

const SHORT = ["--duration", "500ms", "--warmup", "100ms", "--sizes", "100", "--in-flight", "10", "--batch", "10", "--json", "--no-progress"];

/** A short send-modes run writes report.html and results.json whose honest cells were acknowledged and delivered. */
function expectReport(stdout: string, password?: string) {
  const run = JSON.parse(stdout);
  const dir = run.reportDir as string;
  expect(existsSync(join(dir, "report.html"))).toBe(true);
  const results = JSON.parse(readFileSync(join(dir, "results.json"), "utf8"));
  expect(results.cells.map((c: { mode: string }) => c.mode)).toEqual(["sequential", "pipelined", "batched", "fire-and-forget"]);
  for (const c of results.cells) {
    expect(c.acked, c.id).toBeGreaterThan(0);
    expect(c.errors, c.id).toBe(0);
    expect(c.e2e.count, c.id).toBeGreaterThan(0);
  }
  if (password) for (const f of ["results.json", "report.html"]) expect(readFileSync(join(dir, f), "utf8")).not.toContain(password);
  return results;
}

describe("bench on RabbitMQ (a private node)", () => {
  const node = usePrivateRabbitMq();
  if (!node) return;
  const out = tempDir();

  it.each(["quorum", "classic"])("send-modes on %s queues writes report.html and results.json with acked cells", (type) => {
    const r = gauntlet(["bench", "send-modes", "--broker", `${node.url}?queue-type=${type}`, "--out", out, ...SHORT]);
    expect(r.code, r.stderr).toBe(0);
    const results = expectReport(r.stdout, "guest:guest");
    expect(results.versions.broker).toBe("RabbitMQ");
    expect(results.versions.brokerVersion).toMatch(/^\d+\.\d+/);
    expect(results.settings.client.queueType).toBe(type);
  }, 120_000);
});

describe("bench on Kafka (a private KRaft node)", () => {
  const node = usePrivateKafka();
  if (!node) return;
  const out = tempDir();

  it("send-modes writes report.html and results.json with acked cells", () => {
    const r = gauntlet(["bench", "send-modes", "--broker", node.url, "--out", out, ...SHORT]);
    expect(r.code, r.stderr).toBe(0);
    const results = expectReport(r.stdout);
    expect(results.versions.client).toBe("kafkajs");
    expect(results.settings.client.acks).toBe("all");
  }, 120_000);

  it("send-modes through @platformatic/kafka (client=platformatic) has its own bench client from the registry", () => {
    const r = gauntlet(["bench", "send-modes", "--broker", `${node.url}?client=platformatic`, "--out", out, ...SHORT]);
    expect(r.code, r.stderr).toBe(0);
    const results = expectReport(r.stdout);
    expect(results.versions.client).toBe("@platformatic/kafka");
    expect(results.settings.client.idempotent).toBe(true);
  }, 120_000);
});
