import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { deriveClaims } from "./claims.js";
import { importRabbitMqDefinitions } from "./importers/rabbitmq.js";
import { importServiceBusConfig } from "./importers/servicebus.js";
import { planSchemaDocument } from "./json-schema.js";
import { resolvePlan } from "./resolve.js";
import { planProblems, validatePlan } from "./validate.js";

const ROOT = join(import.meta.dirname, "../..");
const json = (p: string) => JSON.parse(readFileSync(join(ROOT, p), "utf8")) as unknown;
const sb = (entities: unknown[], extra: Record<string, unknown> = {}) => ({ gauntlet: "plan", version: 1, family: "servicebus", entities, ...extra });
const paths = (raw: unknown) => planProblems(raw).problems.map((p) => p.path);

describe("plan validation", () => {
  it("names the JSON path of every bad field, with a fix", () => {
    const raw = sb([{ kind: "queue", name: "q", settings: { lockDurations: "PT1S", maxDeliveryCount: "5" } }, { kind: "queue", name: "r", settings: { lockDuration: "30s" } }]);
    const { problems } = planProblems(raw);
    expect(problems.map((p) => p.path).sort()).toEqual(["$.entities[0].settings.lockDurations", "$.entities[0].settings.maxDeliveryCount", "$.entities[1].settings.lockDuration"]);
    expect(problems.find((p) => p.path.endsWith("lockDurations"))?.message).toMatch(/unknown setting/);
    expect(problems.every((p) => p.fix.length > 0)).toBe(true);
    expect(() => validatePlan(raw, "p.json")).toThrow(/\$\.entities\[0\]\.settings\.maxDeliveryCount/);
  });

  it("refuses a claim on an unknown entity, on a topic where a subscription is needed, and one the broker cannot express", () => {
    expect(paths(sb([{ kind: "queue", name: "q" }], { claims: [{ claim: "no-loss", entity: "nope" }] }))).toEqual(["$.claims[0].entity"]);
    expect(paths(sb([{ kind: "topic", name: "t", subscriptions: [{ name: "s" }] }], { claims: [{ claim: "order-per-key", entity: "t" }] }))).toEqual(["$.claims[0].entity"]);
    const rabbit = { gauntlet: "plan", version: 1, family: "rabbitmq", entities: [{ kind: "queue", name: "q", settings: { type: "quorum" } }] };
    const order = planProblems({ ...rabbit, claims: [{ claim: "order-per-key", entity: "q" }] }).problems;
    expect(order[0]).toMatchObject({ path: "$.claims[0].entity", fix: expect.stringMatching(/x-single-active-consumer/) });
    // With single active consumer the claim is expressible, and derived from the setting.
    const sac = { ...rabbit, entities: [{ kind: "queue", name: "q", settings: { type: "quorum", arguments: { "x-single-active-consumer": true } } }] };
    expect(planProblems({ ...sac, claims: [{ claim: "order-per-key", entity: "q" }] }).problems).toEqual([]);
    expect(deriveClaims(validatePlan(sac, "p.json")).claims.map((c) => c.claim.claim)).toContain("order-per-key");
    expect(paths({ ...rabbit, claims: [{ claim: "no-duplicates", entity: "q" }] })).toEqual(["$.claims[0].claim"]);
    expect(paths({ ...rabbit, claims: [{ claim: "fast", entity: "q" }] })).toEqual(["$.claims[0].claim"]);
  });

  it("accepts the fixture plans, and the committed JSON Schema is generated from the zod schema", () => {
    for (const f of ["memory.json", "servicebus.json", "rabbitmq.json", "kafka.json"]) expect(planProblems(json(`fixtures/plans/${f}`)).problems).toEqual([]);
    expect(json("schemas/plan.schema.json")).toEqual(JSON.parse(JSON.stringify(planSchemaDocument())));
  });
});

describe("derived claims", () => {
  it("follow the settings: delivery limit, sessions, duplicate detection; and name what is not checked", () => {
    const plan = validatePlan(importServiceBusConfig(json("fixtures/servicebus/Config.json"), "Config.json"));
    const { claims, unchecked } = deriveClaims(plan);
    const names = resolvePlan(plan).suites.map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(["no-loss@orders", "dead-letter-after-3@orders", "no-duplicates@orders", "order-per-key@payments", "dead-letter-after-2@notifications.email", "order-per-key@notifications.email"]));
    expect(names).not.toContain("order-per-key@orders");
    expect(claims.find((c) => c.claim.claim === "dead-letter-after" && c.claim.entity === "orders")?.because).toMatch(/maxDeliveryCount 3/);
    expect(unchecked.map((u) => u.entity)).toEqual(expect.arrayContaining(["payments", "events/shipping"]));
  });

  it("a quorum queue's x-delivery-limit L with a dead-letter exchange claims dead-lettering on delivery L+1; a queue without a dead-letter exchange claims none", () => {
    const plan = validatePlan(importRabbitMqDefinitions(json("fixtures/rabbitmq/definitions.json"), "definitions.json"));
    const dl = deriveClaims(plan).claims.filter((c) => c.claim.claim === "dead-letter-after").map((c) => c.claim);
    expect(dl).toEqual([{ claim: "dead-letter-after", entity: "orders", deliveries: 5 }, { claim: "dead-letter-after", entity: "events/billing", deliveries: 3 }]);
  });
});

describe("importers", () => {
  it("Service Bus: every queue, topic, subscription and filter; what cannot be honoured is named, not dropped", () => {
    const config = json("fixtures/servicebus/Config.json") as { UserConfig: { Namespaces: { Queues: { Properties: Record<string, unknown> }[] }[] } };
    config.UserConfig.Namespaces[0]!.Queues[0]!.Properties.ForwardTo = "elsewhere";
    config.UserConfig.Namespaces[0]!.Queues[0]!.Properties.EnablePartitioning = true;
    const plan = importServiceBusConfig(config, "Config.json");
    expect(plan.entities.map((e) => e.name)).toEqual(["orders", "payments", "events", "notifications"]);
    expect(plan.notHonoured?.map((n) => n.path)).toEqual(["$.UserConfig.Namespaces[0].Queues[0].Properties.ForwardTo", "$.UserConfig.Namespaces[0].Queues[0].Properties.EnablePartitioning"]);
    const events = plan.entities.find((e) => e.name === "events") as { subscriptions: { name: string; rules?: unknown[] }[] };
    expect(events.subscriptions.find((s) => s.name === "shipping")?.rules).toEqual([{ name: "shipped-only", correlation: { subject: "shipped", properties: { region: "eu" } } }]);
  });

  it("RabbitMQ: queue types and arguments (policies applied), dead-letter exchanges and other exchange types named", () => {
    const plan = importRabbitMqDefinitions(json("fixtures/rabbitmq/definitions.json"), "definitions.json");
    const orders = plan.entities.find((e) => e.name === "orders") as { settings: { type: string; arguments: Record<string, unknown> } };
    expect(orders.settings).toMatchObject({ type: "quorum", arguments: { "x-delivery-limit": 4, "x-dead-letter-exchange": "dlx" } });
    expect(plan.notHonoured?.map((n) => n.setting).join("\n")).toMatch(/dead-letter exchange/);
  });
});
