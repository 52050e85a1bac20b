/**
 * Oracle: the rule manager through the real SDK. Ported from the cases of
 * Azure/azure-sdk-for-js sdk/servicebus/service-bus/test/public/ruleManager.spec.ts: the
 * default rule, add (SQL and correlation), list, delete, duplicates refused, and routing that
 * follows the rules as they change.
 */
import { isServiceBusError } from "@azure/service-bus";
import { describe, expect, it } from "vitest";
import { useEmulator } from "./sdk.test-helper.js";

describe("the rule manager through the SDK", () => {
  const f = useEmulator([{ kind: "topic", name: "orders", subscriptions: [{ name: "eu" }, { name: "audit" }] }]);

  const drain = async (sub: string) => {
    const r = f.client.createReceiver("orders", sub, { receiveMode: "receiveAndDelete" });
    const msgs = await r.receiveMessages(20, { maxWaitTimeInMs: 400 });
    await r.close();
    return msgs.map((m) => m.body).sort();
  };

  it("starts with $Default (1=1); replacing it with SQL and correlation rules changes what the subscription gets", async () => {
    const rules = f.client.createRuleManager("orders", "eu");
    const initial = [];
    for await (const r of rules.listRules()) initial.push(r);
    expect(initial.map((r) => [r.name, (r.filter as { sqlExpression?: string }).sqlExpression])).toEqual([["$Default", "1=1"]]);

    await rules.deleteRule("$Default");
    await rules.createRule("eu-region", { sqlExpression: "region = 'eu' AND amount >= 10" });
    await rules.createRule("vip", { correlationId: "vip-1", applicationProperties: { tier: "gold" } });
    const listed = [];
    for await (const r of rules.listRules()) listed.push(r);
    expect(listed.map((r) => r.name)).toEqual(["eu-region", "vip"]);
    expect(listed[0]!.filter).toMatchObject({ sqlExpression: "region = 'eu' AND amount >= 10" });
    expect(listed[1]!.filter).toMatchObject({ correlationId: "vip-1", applicationProperties: { tier: "gold" } });

    await f.client.createSender("orders").sendMessages([
      { body: "eu-big", applicationProperties: { region: "eu", amount: 50 } },
      { body: "eu-small", applicationProperties: { region: "eu", amount: 1 } },
      { body: "us-big", applicationProperties: { region: "us", amount: 50 } },
      { body: "vip", correlationId: "vip-1", applicationProperties: { tier: "gold" } },
    ]);
    expect(await drain("eu")).toEqual(["eu-big", "vip"]);
    expect(await drain("audit")).toEqual(["eu-big", "eu-small", "us-big", "vip"]);
  });

  it("refuses a rule name twice (MessagingEntityAlreadyExists), a missing one on delete (MessagingEntityNotFound), and a SQL filter that does not parse", async () => {
    const rules = f.client.createRuleManager("orders", "audit");
    await rules.createRule("twice", { sqlExpression: "1=1" });
    const dup = await rules.createRule("twice", { sqlExpression: "1=1" }).catch((e: unknown) => e);
    expect(isServiceBusError(dup) && dup.code).toBe("MessagingEntityAlreadyExists");
    const missing = await rules.deleteRule("nope").catch((e: unknown) => e);
    expect(isServiceBusError(missing) && missing.code).toBe("MessagingEntityNotFound");
    const bad = await rules.createRule("bad", { sqlExpression: "region = " }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(Error);
    expect(String((bad as Error).message)).toMatch(/SQL filter/);
  });

  it("a subscription whose every rule was deleted receives nothing", async () => {
    const rules = f.client.createRuleManager("orders", "audit");
    for await (const r of rules.listRules()) await rules.deleteRule(r.name);
    await f.client.createSender("orders").sendMessages({ body: "x", applicationProperties: { region: "eu", amount: 99 } });
    expect(await drain("audit")).toEqual([]);
    expect(await drain("eu")).toEqual(["x"]);
  });
});
