import { describe, expect, it } from "vitest";
import { RABBITMQ_INSTALL, rabbitMqInstalled } from "../src/brokers/local/rabbitmq-node.js";
import { requireBroker } from "./broker-gate.js";
import { gauntlet, tempDir } from "./cli-helpers.js";

import { alive } from "../src/brokers/local/state.js";
import { existsSync } from "node:fs";

describe("gauntlet brokers up / status / down (RabbitMQ)", () => {
  if (!requireBroker("RabbitMQ", rabbitMqInstalled(), RABBITMQ_INSTALL)) return;
  it("starts a private node that outlives the command, lists its URL, and stops it leaving no process", () => {
    const env = { GAUNTLET_CACHE: tempDir() };
    expect(gauntlet(["brokers", "up", "rabbitmq"], undefined, env).code).toBe(0);
    const status = JSON.parse(gauntlet(["brokers", "status", "--json"], undefined, env).stdout);
    const rabbit = status.brokers.find((b: { name: string }) => b.name === "rabbitmq");
    expect(rabbit).toMatchObject({ installed: true, running: true, url: expect.stringMatching(/^amqp:\/\/.*127\.0\.0\.1:\d+$/) });
    const run = gauntlet(["run", "--broker", rabbit.url, "at-least-once", "--runs", "2", "--out", tempDir()], undefined, env);
    expect(run.code, run.stderr).toBe(0);
    expect(gauntlet(["brokers", "down"], undefined, env).code).toBe(0);
    expect(JSON.parse(gauntlet(["brokers", "status", "--json"], undefined, env).stdout).brokers[0].running).toBe(false);
    // The node's process group is gone and its data directory removed (other test files run nodes too, so check this one).
    expect(alive(rabbit.pid)).toBe(false);
    expect(existsSync(rabbit.dir)).toBe(false);
  }, 120_000);
});

describe("gauntlet brokers: bad input", () => {
  it("names the known brokers for an unknown one", () => {
    const r = gauntlet(["brokers", "up", "activemq"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/unknown broker "activemq"[\s\S]*rabbitmq, kafka, toxiproxy/);
  });
});
