import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startEnvironment } from "../src/environments/start.js";
import { CONFORMANCE_CHECKS, runConformance } from "../src/drivers/conformance/index.js";
import { TOXIPROXY_INSTALL, toxiproxyInstalled } from "../src/brokers/local/toxiproxy-install.js";
import { usePrivateRabbitMq } from "./broker-gate.js";
import { freePort } from "../src/brokers/local/free-port.js";
import { gauntlet, tempDir } from "./cli-helpers.js";

describe("RabbitMQ (a private node from Debian's rabbitmq-server)", () => {
  const node = usePrivateRabbitMq();
  if (!node) return;
  const out = tempDir();

  it.each(["quorum", "classic"])("passes the conformance kit on %s queues (n/a where RabbitMQ lacks a capability)", async (type) => {
    const env = await startEnvironment(`${node.url}?queue-type=${type}`);
    const results = await runConformance(env, CONFORMANCE_CHECKS);
    expect(results.filter((r) => r.status === "fail")).toEqual([]);
    expect(results.filter((r) => r.status === "pass").length).toBeGreaterThanOrEqual(6);
    expect(results.find((r) => r.name === "ordered-keys")?.status).toBe("n/a");
  });

  it("runs the foundation suites: valid where they apply, n/a where RabbitMQ lacks the capability", () => {
    const r = gauntlet(["run", "--broker", node.url, "at-least-once", "dead-letter", "ordering-per-key", "lock-expiry", "--runs", "4", "--seed", "9", "--out", out, "--json", "--no-progress"]);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    const verdicts = Object.fromEntries(summary.suites.map((s: { suite: string; verdict: unknown; notApplicable?: string }) => [s.suite, s.notApplicable ? "n/a" : s.verdict]));
    expect(verdicts).toEqual({ "at-least-once": true, "dead-letter": true, "ordering-per-key": "n/a", "lock-expiry": "n/a" });
    // The password never reaches the report.
    const dir = join(out, readdirSync(out)[0]!);
    for (const f of ["results.json", "history.jsonl", "report.html", "junit.xml"]) expect(readFileSync(join(dir, f), "utf8")).not.toContain("guest:guest");
  }, 180_000);

  it("stays valid under network faults through toxiproxy, with the windows in the history", () => {
    if (!toxiproxyInstalled()) throw new Error(`toxiproxy is not installed: ${TOXIPROXY_INSTALL}`);
    const faultOut = tempDir();
    const r = gauntlet(["run", "--broker", node.url, "at-least-once", "dead-letter", "--faults", "latency,reset-peer,cut,timeout", "--runs", "4", "--seed", "3", "--out", faultOut, "--no-progress"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const history = readFileSync(join(faultOut, readdirSync(faultOut)[0]!, "history.jsonl"), "utf8");
    expect(history).toMatch(/"f":"fault"/);
    expect(history).not.toContain("guest:guest");
  }, 180_000);

  it("refuses a wrong password with a clear message and exit 4", () => {
    const url = node.url.replace("guest:guest", "guest:wrong");
    const r = gauntlet(["run", "--broker", url, "at-least-once", "--runs", "1", "--out", out]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/login refused|ACCESS_REFUSED/);
    expect(r.stderr).not.toContain("guest:wrong");
  });
});

describe("an unreachable RabbitMQ", () => {
  it("exits 4 with a message within 10 s", async () => {
    const port = await freePort();
    const started = Date.now();
    const r = gauntlet(["run", "--broker", `amqp://127.0.0.1:${port}`, "at-least-once", "--runs", "1"]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/cannot connect to RabbitMQ/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
