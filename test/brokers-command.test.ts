import { describe, expect, it } from "vitest";
import { RABBITMQ_INSTALL, rabbitMqInstalled } from "../src/brokers/local/rabbitmq-node.js";
import { requireBroker } from "./broker-gate.js";
import { gauntlet, tempDir } from "./cli-helpers.js";

import { alive } from "../src/brokers/local/state.js";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

describe("gauntlet brokers up / status / down (RabbitMQ)", () => {
  if (!requireBroker("RabbitMQ", rabbitMqInstalled(), RABBITMQ_INSTALL)) return;
  it("starts a private node that outlives the command, lists its URL, keeps its logs, and stops it leaving no process", () => {
    const cache = tempDir();
    const env = { GAUNTLET_CACHE: cache };
    expect(gauntlet(["brokers", "up", "rabbitmq"], undefined, env).code).toBe(0);
    const status = JSON.parse(gauntlet(["brokers", "status", "--json"], undefined, env).stdout);
    const rabbit = status.brokers.find((b: { name: string }) => b.name === "rabbitmq");
    expect(rabbit).toMatchObject({ installed: true, running: true, url: expect.stringMatching(/^amqp:\/\/.*127\.0\.0\.1:\d+$/) });
    expect(rabbit.logs).toContainEqual(expect.stringMatching(/@localhost\.log$/));
    // The management plugin runs on a port of its own: plans read queue settings back through it (found via the state file).
    expect(rabbit.urls).toEqual({ management: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
    const out = tempDir();
    const planFile = join(out, "plan.json");
    writeFileSync(planFile, JSON.stringify({ gauntlet: "plan", version: 1, family: "rabbitmq", entities: [{ kind: "queue", name: "orders", settings: { type: "quorum", arguments: { "x-delivery-limit": 3 } } }], workload: { runs: 1, seed: 1 } }));
    const planned = gauntlet(["run", "--plan", planFile, "--broker", rabbit.url, "--out", out, "--json", "--no-progress"], undefined, env);
    expect(planned.code, planned.stderr).toBe(0);
    expect(JSON.parse(planned.stdout).plan.validatedConfiguration.orders.native).toMatchObject({ type: "quorum", arguments: { "x-delivery-limit": 3 } });
    const run = gauntlet(["run", "--broker", rabbit.url, "at-least-once", "--runs", "2", "--out", out, "--json"], undefined, env);
    expect(run.code, run.stderr).toBe(0);
    // The report holds what the node logged during the run: the suite's connections, not the boot.
    const summary = JSON.parse(run.stdout) as { reportDir: string; brokerLogs?: string[] };
    expect(summary.brokerLogs).toEqual([expect.stringMatching(/^broker-logs\/rabbitmq-.*\.log$/)]);
    const during = readFileSync(join(summary.reportDir, summary.brokerLogs![0]!), "utf8");
    expect(during).toMatch(/accepting AMQP connection/);
    expect(during).not.toMatch(/Starting RabbitMQ/);
    const down = gauntlet(["brokers", "down"], undefined, env);
    expect(down.code).toBe(0);
    // down keeps the whole log in the cache before removing the node's directory.
    const kept = /rabbitmq down {2}\(log kept: ([^)]+)\)/.exec(down.stdout)?.[1];
    expect(kept, down.stdout).toContain(join(cache, "logs"));
    expect(readFileSync(kept!, "utf8")).toMatch(/Starting RabbitMQ[\s\S]*accepting AMQP connection/);
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
