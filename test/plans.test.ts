import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RunFailedError } from "../src/api/assert.js";
import { assertPlan, runPlan } from "../src/api/run-plan.js";
import { readReplayTest } from "../src/api/replay-test.js";
import { run } from "../src/api/run.js";
import type { RunSummary } from "../src/core/run.js";
import { usePrivateRabbitMq } from "./broker-gate.js";
import { ROOT, gauntlet, tempDir } from "./cli-helpers.js";

const out = tempDir();
const fixture = (f: string) => JSON.parse(readFileSync(join(ROOT, "fixtures/plans", f), "utf8")) as Record<string, unknown>;
const sb = (entities: unknown[], claims: unknown[]) => ({ gauntlet: "plan", version: 1, family: "servicebus", entities, claims, workload: { runs: 15, seed: 5 } });
const q = (settings: Record<string, unknown>) => [{ kind: "queue", name: "q", settings: { lockDuration: "PT0.5S", ...settings } }];
const anomalies = (s: RunSummary) => s.suites.flatMap((x) => Object.entries(x.results).flatMap(([c, r]) => Object.keys(r.anomalies).map((a) => `${c}/${a}`)));

describe("gauntlet run --plan / plan validate / plan import (CLI, memory://)", () => {
  it("runs the memory fixture plan, printing the derived claims, exit 0", () => {
    const r = gauntlet(["run", "--plan", "fixtures/plans/memory.json", "--runs", "5", "--seed", "3", "--out", out, "--no-progress"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/claims derived from the settings/);
    expect(r.stdout).toMatch(/order-per-key@orders: requiresSession/);
    expect(r.stdout).toMatch(/rerun: npx gauntlet run --plan fixtures\/plans\/memory\.json --broker memory:\/\/ --seed 3 --runs 5/);
  });

  it("exits 3 naming the JSON path and fix of every bad field", () => {
    const dir = tempDir();
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ ...sb(q({ lockDurationz: "PT1S", maxDeliveryCount: "3" }), [{ claim: "order-per-key", entity: "nope" }]) }));
    for (const args of [["plan", "validate", bad], ["run", "--plan", bad, "--out", out]]) {
      const r = gauntlet(args);
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/\$\.entities\[0\]\.settings\.lockDurationz: unknown setting/);
      expect(r.stderr).toMatch(/\$\.entities\[0\]\.settings\.maxDeliveryCount/);
      expect(r.stderr).toMatch(/fix: /);
    }
    writeFileSync(bad, JSON.stringify(sb(q({}), [{ claim: "order-per-key", entity: "nope" }])));
    expect(gauntlet(["plan", "validate", bad]).stderr).toMatch(/\$\.claims\[0\]\.entity: no entity "nope"[\s\S]*fix: name one of q/);
    expect(gauntlet(["run", "--plan", "fixtures/plans/rabbitmq.json", "--broker", "memory://"]).stderr).toMatch(/a rabbitmq plan cannot run on memory:\/\//);
  });

  it("imports Config.json with every entity, filter and setting; unhonourable ones named on stderr and in the plan", () => {
    const dir = tempDir();
    const config = JSON.parse(readFileSync(join(ROOT, "fixtures/servicebus/Config.json"), "utf8")) as { UserConfig: { Namespaces: { Queues: { Properties: Record<string, unknown> }[] }[] } };
    config.UserConfig.Namespaces[0]!.Queues[0]!.Properties.ForwardTo = "archive";
    writeFileSync(join(dir, "Config.json"), JSON.stringify(config));
    const r = gauntlet(["plan", "import", "servicebus", join(dir, "Config.json")]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/not honoured: \$\.UserConfig\.Namespaces\[0\]\.Queues\[0\]\.Properties\.ForwardTo/);
    const plan = JSON.parse(r.stdout) as { entities: { name: string }[]; notHonoured: unknown[] };
    expect(plan.entities.map((e) => e.name)).toEqual(["orders", "payments", "events", "notifications"]);
    expect(plan.notHonoured).toHaveLength(1);
  });
});

describe("false claims are caught, true ones hold (memory://)", () => {
  const cases: [string, ReturnType<typeof sb>, false | true, string?][] = [
    ["order per key on a queue without sessions", sb(q({}), [{ claim: "order-per-key", entity: "q" }]), false, "key-exclusive/key-shared"],
    ["order per key on a session queue", sb(q({ requiresSession: true }), [{ claim: "order-per-key", entity: "q" }]), true],
    ["dead-letter after 2 on maxDeliveryCount 4", sb(q({ maxDeliveryCount: 4 }), [{ claim: "dead-letter-after", entity: "q", deliveries: 2 }]), false, "dead-letter/dlq-missing"],
    ["dead-letter after 3 on maxDeliveryCount 2", sb(q({ maxDeliveryCount: 2 }), [{ claim: "dead-letter-after", entity: "q", deliveries: 3 }]), false, "dead-letter/dlq-premature"],
    ["dead-letter after 4 on maxDeliveryCount 4", sb(q({ maxDeliveryCount: 4 }), [{ claim: "dead-letter-after", entity: "q", deliveries: 4 }]), true],
    ["no duplicates without duplicate detection", sb(q({}), [{ claim: "no-duplicates", entity: "q" }]), false, "duplicates/duplicated"],
    ["no duplicates with duplicate detection", sb(q({ requiresDuplicateDetection: true }), [{ claim: "no-duplicates", entity: "q" }]), true],
  ];
  for (const [name, plan, verdict, anomaly] of cases) {
    it(`${name}: ${verdict ? "valid" : `INVALID (${anomaly})`}`, async () => {
      const s = await runPlan(plan, { broker: "memory://", out });
      expect(s.verdict).toBe(verdict);
      if (anomaly) expect(anomalies(s)).toContain(anomaly);
      if (!verdict) expect(s.suites[0]?.counterexample).toBeDefined();
    });
  }

  it("assertPlan throws with the seed and the shrunk counterexample, and the repro file replays it", async () => {
    const err = (await assertPlan(sb(q({}), [{ claim: "no-duplicates", entity: "q" }]), { broker: "memory://", out }).catch((e: unknown) => e)) as RunFailedError;
    expect(err).toBeInstanceOf(RunFailedError);
    expect(err.message).toMatch(/seed 5[\s\S]*no-duplicates@q: INVALID[\s\S]*shrunk counterexample/);
    const replay = /replay: npx gauntlet replay (\S+)/.exec(err.message)?.[1];
    const again = await run(await readReplayTest(replay!, { times: 2, out }));
    expect(again.suites[0]?.replayed).toEqual({ times: 2, failures: 2, unknowns: 0 });
  });
});

describe("plans on servicebus-emulator://", () => {
  it("runs the fixture plan with its entities and settings, read back into the report", async () => {
    const s = await runPlan(fixture("servicebus.json"), { runs: 3, seed: 2, out });
    expect(s.verdict).toBe(true);
    expect(s.plan?.validatedConfiguration?.orders).toMatchObject({ lockDurationMs: 30_000, maxDeliveryCount: 3, duplicateDetectionMs: 60_000 });
    expect(s.plan?.validatedConfiguration?.["events/eu-only"]).toMatchObject({ filters: [{ name: "eu", kind: "correlation" }] });
    expect(s.plan?.unchecked.map((u) => u.entity)).toContain("events/eu-only");
  }, 120_000);

  it("catches order per key claimed on a queue without sessions", async () => {
    const s = await runPlan(sb(q({}), [{ claim: "order-per-key", entity: "q" }]), { broker: "servicebus-emulator://", runs: 10, shrinkBudgetSeconds: 1, out });
    expect(s.verdict).toBe(false);
    expect(anomalies(s)).toContain("key-exclusive/key-shared");
  }, 120_000);
});

describe("plans on a private RabbitMQ", () => {
  const node = usePrivateRabbitMq();
  if (!node) return;
  it("the imported definitions.json holds (exit 0)", async () => {
    const s = await runPlan(fixture("rabbitmq.json"), { broker: node.url, runs: 3, seed: 4, out });
    expect(s.verdict).toBe(true);
  }, 180_000);

  it("x-max-length with drop-head loses acknowledged messages: no-loss fails", async () => {
    const plan = { gauntlet: "plan", version: 1, family: "rabbitmq", entities: [{ kind: "queue", name: "invoices", settings: { type: "quorum", arguments: { "x-max-length": 2, "x-overflow": "drop-head" } } }] };
    const s = await runPlan(plan, { broker: node.url, runs: 10, seed: 4, shrinkBudgetSeconds: 1, out });
    expect(s.verdict).toBe(false);
    expect(anomalies(s)).toContain("at-least-once/lost");
  }, 180_000);

  it("single active consumer (quorum refuses basic.get; classic lets it bypass SAC): read by subscription, order per key holds", async () => {
    const sac = (type: string) => ({ type, arguments: { "x-single-active-consumer": true } });
    const plan = { gauntlet: "plan", version: 1, family: "rabbitmq", entities: [{ kind: "queue", name: "jobs", settings: sac("quorum") }, { kind: "queue", name: "tasks", settings: sac("classic") }] };
    const s = await runPlan(plan, { broker: node.url, runs: 5, seed: 4, shrinkBudgetSeconds: 1, out });
    expect(s.suites.map((x) => `${x.suite}:${String(x.verdict)}`).sort()).toEqual(["no-loss@jobs:true", "no-loss@tasks:true", "order-per-key@jobs:true", "order-per-key@tasks:true"]);
  }, 180_000);

  it("a classic queue without a delivery limit under dead-letter-after 2 fails", async () => {
    const plan = { gauntlet: "plan", version: 1, family: "rabbitmq", entities: [{ kind: "queue", name: "invoices", settings: { type: "classic", arguments: { "x-dead-letter-exchange": "dlx" } } }], claims: [{ claim: "dead-letter-after", entity: "invoices", deliveries: 2 }] };
    const s = await runPlan(plan, { broker: node.url, runs: 10, seed: 4, shrinkBudgetSeconds: 1, out });
    expect(s.verdict).toBe(false);
    expect(anomalies(s)).toContain("dead-letter/dlq-missing");
  }, 180_000);
});
