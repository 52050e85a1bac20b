/**
 * Oracle: deferral, scheduling and topics through the real SDK. Ported from
 * Azure/azure-sdk-for-js sdk/servicebus/service-bus/test/public/deferredMessage.spec.ts,
 * public/sendAndSchedule.spec.ts and the topic-filter cases of public/ruleManager.spec.ts.
 */
import { isServiceBusError } from "@azure/service-bus";
import { describe, expect, it } from "vitest";
import { sleep, useEmulator } from "./sdk.test-helper.js";

describe("deferral, scheduling and topics through the SDK", () => {
  const f = useEmulator([
    { kind: "queue", name: "defer", lockDurationMs: 30_000 },
    { kind: "queue", name: "sched" },
    {
      kind: "topic",
      name: "events",
      subscriptions: [
        { name: "all" },
        { name: "billing", rules: [{ name: "only-billing", correlation: { subject: "billing" } }] },
        { name: "vip", rules: [{ name: "tier", correlation: { properties: { tier: "gold" } } }, { name: "by-corr", correlation: { correlationId: "c-42" } }] },
        { name: "none", rules: [{ name: "never", sql: "1=0" }] },
        { name: "big-red", rules: [{ name: "sql", sql: "color = 'red' AND (amount > 100 OR sys.Label LIKE 'urgent%')" }] },
      ],
    },
  ]);

  async function receiveAndDefer(body: string) {
    await f.client.createSender("defer").sendMessages({ body, messageId: body });
    const receiver = f.client.createReceiver("defer");
    const [m] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    expect(m?.deliveryCount).toBe(0);
    await receiver.deferMessage(m!);
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 200 })).toEqual([]); // only by sequence number now
    const [deferred] = await receiver.receiveDeferredMessages(m!.sequenceNumber!);
    expect(deferred?.state).toBe("deferred");
    expect(deferred?.body).toBe(body);
    expect(deferred?.deliveryCount).toBe(1);
    return { receiver, deferred: deferred! };
  }

  // deferredMessage.spec.ts "Abandoning a deferred message puts it back to the deferred queue."
  it("abandoning a deferred message leaves it deferred", async () => {
    const { receiver, deferred } = await receiveAndDefer("d-abandon");
    await receiver.abandonMessage(deferred);
    const peeked = await receiver.peekMessages(5, { fromSequenceNumber: deferred.sequenceNumber! });
    expect(peeked.map((m) => m.state)).toEqual(["deferred"]);
    const [again] = await receiver.receiveDeferredMessages([deferred.sequenceNumber!]);
    expect(again?.deliveryCount).toBe(2);
    await receiver.completeMessage(again!);
    expect(await receiver.peekMessages(5, { fromSequenceNumber: deferred.sequenceNumber! })).toEqual([]);
    await receiver.close();
  });

  // deferredMessage.spec.ts "Deadlettering a deferred message moves it to dead letter queue."
  it("dead-lettering a deferred message moves it to the dead-letter queue", async () => {
    const { receiver, deferred } = await receiveAndDefer("d-dead");
    await receiver.deadLetterMessage(deferred);
    const dlq = f.client.createReceiver("defer", { subQueueType: "deadLetter" });
    const [dead] = await dlq.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    expect(dead?.body).toBe("d-dead");
    expect(dead?.deliveryCount).toBe(1);
    await dlq.completeMessage(dead!);
    await Promise.all([receiver.close(), dlq.close()]);
  });

  // deferredMessage.spec.ts "renewLock on a deferred message"
  it("renews the lock of a deferred message and completes it", async () => {
    const { receiver, deferred } = await receiveAndDefer("d-renew");
    const before = deferred.lockedUntilUtc!.getTime(); // renewMessageLock updates the message in place
    await sleep(20);
    const until = await receiver.renewMessageLock(deferred);
    expect(until.getTime()).toBeGreaterThan(before);
    await receiver.completeMessage(deferred);
    await receiver.close();
  });

  // deferredMessage.spec.ts: a sequence number that is not deferred is refused
  it("receiveDeferredMessages of a message that is not deferred fails with MessageNotFound", async () => {
    await f.client.createSender("defer").sendMessages({ body: "active" });
    const receiver = f.client.createReceiver("defer");
    const [active] = await receiver.peekMessages(1);
    const err = await receiver.receiveDeferredMessages(active!.sequenceNumber!).catch((e: unknown) => e);
    expect(isServiceBusError(err) && err.code).toBe("MessageNotFound");
    const [m] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 1000 });
    await receiver.completeMessage(m!);
    await receiver.close();
  });

  // sendAndSchedule.spec.ts "Schedule single message" and "Cancel single Scheduled message"
  it("scheduleMessages enqueues at the time; cancelScheduledMessages removes it", async () => {
    const sender = f.client.createSender("sched");
    const at = new Date(Date.now() + 600);
    const [keep, cancel] = await sender.scheduleMessages([{ body: "later", messageId: "keep" }, { body: "never", messageId: "cancel" }], at);
    expect(keep!.toNumber()).toBeLessThan(cancel!.toNumber());
    const receiver = f.client.createReceiver("sched");
    const peeked = await receiver.peekMessages(5);
    expect(peeked.map((m) => m.state)).toEqual(["scheduled", "scheduled"]);
    await sender.cancelScheduledMessages(cancel!);
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 200 })).toEqual([]); // not yet
    const [m] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 3000 });
    expect(m?.messageId).toBe("keep");
    expect(m!.enqueuedTimeUtc!.getTime()).toBeGreaterThanOrEqual(at.getTime() - 5);
    expect(m?.scheduledEnqueueTimeUtc?.getTime()).toBe(at.getTime());
    await receiver.completeMessage(m!);
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 300 })).toEqual([]);
    await receiver.close();
  });

  // ruleManager.spec.ts: correlation filters decide which subscriptions get a copy
  it("a SQL filter on application and system properties picks its messages (three-valued: a missing property matches nothing)", async () => {
    const sender = f.client.createSender("events");
    await sender.sendMessages([
      { body: "red-big", applicationProperties: { color: "red", amount: 150 }, messageId: "s1" },
      { body: "red-small", applicationProperties: { color: "red", amount: 5 }, messageId: "s2" },
      { body: "red-urgent", subject: "urgent-refund", applicationProperties: { color: "red", amount: 5 }, messageId: "s3" },
      { body: "blue-big", applicationProperties: { color: "blue", amount: 500 }, messageId: "s4" },
      { body: "no-props", messageId: "s5" },
    ]);
    const r = f.client.createReceiver("events", "big-red", { receiveMode: "receiveAndDelete" });
    const got = (await r.receiveMessages(10, { maxWaitTimeInMs: 400 })).map((m) => m.body);
    await r.close();
    expect(got).toEqual(["red-big", "red-urgent"]);
    const rest = f.client.createReceiver("events", "all", { receiveMode: "receiveAndDelete" });
    await rest.receiveMessages(10, { maxWaitTimeInMs: 400 });
    await rest.close();
  });

  it("a topic fans out to the subscriptions whose correlation filters match", async () => {
    const sender = f.client.createSender("events");
    await sender.sendMessages([
      { body: "plain", messageId: "p" },
      { body: "bill", subject: "billing", messageId: "b" },
      { body: "gold", applicationProperties: { tier: "gold" }, messageId: "g" },
      { body: "corr", correlationId: "c-42", messageId: "c" },
    ]);
    const drain = async (sub: string) => {
      const r = f.client.createReceiver("events", sub, { receiveMode: "receiveAndDelete" });
      const msgs = await r.receiveMessages(10, { maxWaitTimeInMs: 400 });
      await r.close();
      return msgs.map((m) => m.body);
    };
    expect(await drain("all")).toEqual(["plain", "bill", "gold", "corr"]);
    expect(await drain("billing")).toEqual(["bill"]);
    expect(await drain("vip")).toEqual(["gold", "corr"]);
    expect(await drain("none")).toEqual([]);
  });

  it("a subscription has its own dead-letter queue and locks", async () => {
    await f.client.createSender("events").sendMessages({ body: "to-dlq", subject: "billing" });
    const r = f.client.createReceiver("events", "billing");
    const [m] = await r.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    await r.deadLetterMessage(m!, { deadLetterReason: "nope", deadLetterErrorDescription: "" });
    const dlq = f.client.createReceiver("events", "billing", { subQueueType: "deadLetter" });
    const [dead] = await dlq.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    expect(dead?.body).toBe("to-dlq");
    expect(dead?.deadLetterReason).toBe("nope");
    await dlq.completeMessage(dead!);
    const all = f.client.createReceiver("events", "all", { receiveMode: "receiveAndDelete" });
    expect((await all.receiveMessages(5, { maxWaitTimeInMs: 300 })).map((x) => x.body)).toEqual(["to-dlq"]); // the other copy is untouched
    await Promise.all([r.close(), dlq.close(), all.close()]);
  });
});
