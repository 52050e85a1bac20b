/**
 * Oracle: the administration client (`ServiceBusAdministrationClient`, ATOM over HTTPS) through
 * the real SDK, unmodified. Ported from the cases of Azure/azure-sdk-for-js
 * sdk/servicebus/service-bus/test/internal/atomManagement.spec.ts: create / get / update / list /
 * delete of queues, topics, subscriptions and rules, 409 on create of an existing entity, 404 on
 * a missing one, 400 on a bad definition; and an entity created at run time used over AMQP at once.
 * The SDK always builds `https://<Endpoint host:port>`: the test trusts the emulator's certificate
 * the way a user would, process-wide (tls.setDefaultCACertificates; NODE_EXTRA_CA_CERTS works too).
 */
import { readFileSync } from "node:fs";
import tls from "node:tls";
import { ServiceBusAdministrationClient } from "@azure/service-bus";
import { beforeAll, describe, expect, it } from "vitest";
import { useEmulator } from "./sdk.test-helper.js";

type Failure = { code?: string; statusCode?: number; message?: string; errors?: Failure[] };
/** "status code" of a rejection; the SDK's retries wrap AMQP errors in an AggregateError. */
const codeOf = async (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => "ok",
    (e: Failure) => {
      const last = e.errors?.at(-1) ?? e;
      return last.code ? `${last.statusCode} ${last.code}` : `error: ${last.message}`;
    },
  );

describe("ServiceBusAdministrationClient against the emulator", () => {
  const f = useEmulator([{ kind: "queue", name: "declared" }, { kind: "topic", name: "declared-topic", subscriptions: [{ name: "s1" }] }]);
  let admin: ServiceBusAdministrationClient;
  beforeAll(() => {
    expect(f.emulator.tlsCertificatePath, f.emulator.tlsUnavailable).toBeDefined();
    tls.setDefaultCACertificates([...tls.getCACertificates("default"), readFileSync(f.emulator.tlsCertificatePath!, "utf8")]);
    admin = new ServiceBusAdministrationClient(f.emulator.connectionString);
  });

  it("creates a queue, gets it with its settings, updates it, lists it, deletes it", async () => {
    const created = await admin.createQueue("runtime-q", { lockDuration: "PT45S", maxDeliveryCount: 4, requiresDuplicateDetection: true, duplicateDetectionHistoryTimeWindow: "PT2M", deadLetteringOnMessageExpiration: true, userMetadata: "made at run time" });
    expect(created).toMatchObject({ name: "runtime-q", lockDuration: "PT45S", maxDeliveryCount: 4, requiresDuplicateDetection: true, duplicateDetectionHistoryTimeWindow: "PT2M", deadLetteringOnMessageExpiration: true, requiresSession: false, userMetadata: "made at run time", status: "Active" });
    const got = await admin.getQueue("runtime-q");
    expect(got).toMatchObject({ name: "runtime-q", lockDuration: "PT45S", maxDeliveryCount: 4, maxSizeInMegabytes: 1024, defaultMessageTimeToLive: "P10675199DT2H48M5.4775807S" });
    expect(await admin.queueExists("runtime-q")).toBe(true);

    const updated = await admin.updateQueue({ ...got, maxDeliveryCount: 7, lockDuration: "PT1M", maxSizeInMegabytes: 2048 });
    expect(updated).toMatchObject({ maxDeliveryCount: 7, lockDuration: "PT1M", maxSizeInMegabytes: 2048 });
    expect(await admin.getQueue("runtime-q")).toMatchObject({ maxDeliveryCount: 7, lockDuration: "PT1M" });

    const names: string[] = [];
    for await (const q of admin.listQueues()) names.push(q.name);
    expect(names).toEqual(["declared", "runtime-q"]);

    await admin.deleteQueue("runtime-q");
    expect(await admin.queueExists("runtime-q")).toBe(false);
    expect(await codeOf(admin.getQueue("runtime-q"))).toBe("200 MessageEntityNotFoundError");
  });

  it("answers 409 for an existing entity, 404 for a missing one, 400 for a bad definition", async () => {
    expect(await codeOf(admin.createQueue("declared"))).toBe("409 MessageEntityAlreadyExistsError");
    expect(await codeOf(admin.createTopic("DECLARED"))).toBe("409 MessageEntityAlreadyExistsError");
    expect(await codeOf(admin.deleteQueue("nope"))).toBe("404 MessageEntityNotFoundError");
    expect(await codeOf(admin.createSubscription("no-such-topic", "s"))).toBe("404 MessageEntityNotFoundError");
    expect(await codeOf(admin.deleteRule("declared-topic", "s1", "nope"))).toBe("404 MessageEntityNotFoundError");
    expect(await codeOf(admin.createRule("declared-topic", "s1", "$Default", { sqlExpression: "1=1" }))).toBe("409 MessageEntityAlreadyExistsError");
    expect(await codeOf(admin.createQueue("bad-lock", { lockDuration: "PT10M" }))).toBe("400 ServiceError");
    expect(await codeOf(admin.createQueue("bad-forward", { forwardTo: "declared" }))).toBe("400 ServiceError");
    expect(await codeOf(admin.createRule("declared-topic", "s1", "bad-sql", { sqlExpression: "a = = 1" }))).toBe("400 ServiceError");
    const wrongKey = new ServiceBusAdministrationClient(f.emulator.connectionString.replace(/SharedAccessKey=[^;]+/, "SharedAccessKey=wrong"));
    expect(await codeOf(wrongKey.getQueue("declared"))).toBe("401 UnauthorizedRequestError");
  });

  it("creates a topic, subscriptions and rules; routing follows them over AMQP at once", async () => {
    await admin.createTopic("rt-topic", { maxSizeInMegabytes: 1024 });
    await admin.createSubscription("rt-topic", "all");
    await admin.createSubscription("rt-topic", "eu", { lockDuration: "PT20S" }, );
    expect(await admin.getSubscription("rt-topic", "eu")).toMatchObject({ subscriptionName: "eu", topicName: "rt-topic", lockDuration: "PT20S", maxDeliveryCount: 10 });
    await admin.deleteRule("rt-topic", "eu", "$Default");
    const rule = await admin.createRule("rt-topic", "eu", "region", { sqlExpression: "region = 'eu'" });
    expect(rule).toMatchObject({ name: "region", filter: { sqlExpression: "region = 'eu'" } });
    await admin.createRule("rt-topic", "eu", "vip", { correlationId: "vip", applicationProperties: { tier: "gold", level: 3 } });
    expect(await admin.getRule("rt-topic", "eu", "vip")).toMatchObject({ filter: { correlationId: "vip", applicationProperties: { tier: "gold", level: 3 } } });
    const rules: string[] = [];
    for await (const r of admin.listRules("rt-topic", "eu")) rules.push(r.name);
    expect(rules).toEqual(["region", "vip"]);
    const withRule = await admin.createSubscription("rt-topic", "only-us", { defaultRuleOptions: { name: "us", filter: { sqlExpression: "region = 'us'" } } });
    expect(withRule.subscriptionName).toBe("only-us");
    const usRules: string[] = [];
    for await (const r of admin.listRules("rt-topic", "only-us")) usRules.push(r.name);
    expect(usRules).toEqual(["us"]);
    const subs: string[] = [];
    for await (const s of admin.listSubscriptions("rt-topic")) subs.push(s.subscriptionName);
    expect(subs).toEqual(["all", "eu", "only-us"]);
    const topics: string[] = [];
    for await (const t of admin.listTopics()) topics.push(t.name);
    expect(topics).toEqual(["declared-topic", "rt-topic"]);

    const sender = f.client.createSender("rt-topic");
    await sender.sendMessages([{ body: "eu", applicationProperties: { region: "eu" } }, { body: "us", applicationProperties: { region: "us" } }, { body: "vip", correlationId: "vip", applicationProperties: { tier: "gold", level: 3 } }]);
    const bodies = async (sub: string) => {
      const r = f.client.createReceiver("rt-topic", sub, { receiveMode: "receiveAndDelete" });
      const got = await r.receiveMessages(10, { maxWaitTimeInMs: 500 });
      await r.close();
      return got.map((m) => m.body).sort();
    };
    expect(await bodies("eu")).toEqual(["eu", "vip"]);
    expect(await bodies("all")).toEqual(["eu", "us", "vip"]);
    expect(await bodies("only-us")).toEqual(["us"]);
    expect((await admin.getSubscriptionRuntimeProperties("rt-topic", "all")).activeMessageCount).toBe(0);

    await admin.deleteSubscription("rt-topic", "eu");
    expect(await admin.subscriptionExists("rt-topic", "eu")).toBe(false);
    await admin.deleteTopic("rt-topic");
    expect(await admin.topicExists("rt-topic")).toBe(false);
  });

  it("a queue created at run time takes sends and receives at once, and shows its message counts", async () => {
    await admin.createQueue("orders-rt", { lockDuration: "PT30S" });
    await f.client.createSender("orders-rt").sendMessages([{ body: "a" }, { body: "b" }]);
    const runtime = await admin.getQueueRuntimeProperties("orders-rt");
    expect(runtime).toMatchObject({ name: "orders-rt", activeMessageCount: 2, deadLetterMessageCount: 0, totalMessageCount: 2 });
    const receiver = f.client.createReceiver("orders-rt");
    const [first] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    expect(first?.body).toBe("a");
    expect(first!.lockedUntilUtc!.getTime() - Date.now()).toBeGreaterThan(20_000);
    await receiver.deadLetterMessage(first!);
    expect(await admin.getQueueRuntimeProperties("orders-rt")).toMatchObject({ activeMessageCount: 1, deadLetterMessageCount: 1 });
    await receiver.close();
    const openSender = f.client.createSender("orders-rt");
    await openSender.sendMessages({ body: "before the delete" });
    await admin.deleteQueue("orders-rt");
    // The open sender's link is detached with amqp:not-found; new links are refused the same way.
    expect(await codeOf(openSender.sendMessages({ body: "c" }))).toMatch(/MessagingEntityNotFound/);
    expect(await codeOf(f.client.createSender("orders-rt").sendMessages({ body: "c" }))).toMatch(/MessagingEntityNotFound/);
    // A queue of the same name made again starts empty.
    await admin.createQueue("orders-rt");
    expect((await admin.getQueueRuntimeProperties("orders-rt")).activeMessageCount).toBe(0);
  });
});
