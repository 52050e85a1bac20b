import { describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "../src/brokers/local/free-port.js";
import { usePrivateRabbitMq } from "./broker-gate.js";
import { gauntlet, tempDir } from "./cli-helpers.js";

const dir = tempDir();
const write = (name: string, plan: unknown) => {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(plan));
  return file;
};
const plan = (args: Record<string, unknown>) => ({ gauntlet: "plan", version: 1, family: "rabbitmq", entities: [{ kind: "queue", name: "orders", settings: { type: "quorum", arguments: args } }], workload: { runs: 2, seed: 1 } });
const AUTH = { authorization: `Basic ${Buffer.from("guest:guest").toString("base64")}`, "content-type": "application/json" };

describe("RabbitMQ plans read their queues back through the management API", () => {
  const node = usePrivateRabbitMq();
  if (!node) return;
  const broker = () => `${node.url}?management=${node.managementUrl}`;
  const run = (file: string, url = broker()) => gauntlet(["run", "--plan", file, "--broker", url, "--out", tempDir(), "--json", "--no-progress"]);

  it("records what the broker kept (type, durability, arguments) as the validated configuration, exit 0", () => {
    const r = run(write("kept.json", plan({ "x-delivery-limit": 4, "x-dead-letter-exchange": "dlx", "x-message-ttl": 60_000 })));
    expect(r.code, r.stderr).toBe(0);
    const got = JSON.parse(r.stdout).plan.validatedConfiguration.orders;
    expect(got.native).toMatchObject({ type: "quorum", durable: true, arguments: { "x-delivery-limit": 4, "x-message-ttl": 60_000, "x-dead-letter-exchange": "dlx", "x-queue-type": "quorum" } });
    expect(got.native.policy).toBeUndefined();
  }, 120_000);

  it("a policy that lowers the declared delivery limit is an error naming the setting and the policy's value (exit 3)", async () => {
    const put = await fetch(`${node.managementUrl}/api/policies/%2F/ops-limit`, { method: "PUT", headers: AUTH, body: JSON.stringify({ pattern: "^gauntlet\\.", definition: { "delivery-limit": 1 }, "apply-to": "queues", priority: 1 }) });
    expect(put.ok).toBe(true);
    try {
      const r = run(write("policy.json", plan({ "x-delivery-limit": 4 })));
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toMatch(/did not keep the plan's settings: orders: arguments\.x-delivery-limit declared 4, broker has 1/);
    } finally {
      await fetch(`${node.managementUrl}/api/policies/%2F/ops-limit`, { method: "DELETE", headers: AUTH });
    }
  }, 120_000);

  it("reject-publish-dlx on a quorum queue, which RabbitMQ accepts and echoes but runs as drop-head, is an error (exit 3)", () => {
    const r = run(write("overflow.json", plan({ "x-max-length": 5, "x-overflow": "reject-publish-dlx" })));
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/orders: arguments\.x-overflow declared "reject-publish-dlx", broker has "drop-head"/);
  }, 120_000);

  it("when the management API cannot be reached, the run goes on and the report says read-back was not possible", async () => {
    const closed = await freePort();
    const r = run(write("unreachable.json", plan({ "x-delivery-limit": 4 })), `${node.url}?management=http://127.0.0.1:${closed}`);
    expect(r.code, r.stderr).toBe(0);
    const got = JSON.parse(r.stdout).plan.validatedConfiguration.orders;
    expect(got).toEqual({ readBack: expect.stringMatching(/^not read back: the management API at http:\/\/127\.0\.0\.1:\d+ did not answer \(ECONNREFUSED\)/) });
    expect(got.readBack).toContain(`http://127.0.0.1:${closed}`);
    expect(r.stdout).not.toMatch(/guest:guest/);
  }, 120_000);

  it("refuses credentials in ?management= (exit 3): it logs in with the amqp:// URL's", () => {
    const r = run(write("creds.json", plan({})), `${node.url}?management=http://u:secret@127.0.0.1:1`);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/management takes no user or password/);
    expect(r.stderr).not.toMatch(/secret/);
  });
});
