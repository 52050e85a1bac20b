/** Each fault hook, observed through the real SDK. */
import { isServiceBusError, ServiceBusClient } from "@azure/service-bus";
import { describe, expect, it } from "vitest";
import { sleep, useEmulator } from "./sdk.test-helper.js";

describe("fault hooks through the SDK", () => {
  const f = useEmulator([
    { kind: "queue", name: "lost", lockDurationMs: 30_000 },
    { kind: "queue", name: "slow", lockDurationMs: 30_000 },
    { kind: "queue", name: "detach", lockDurationMs: 30_000 },
    { kind: "queue", name: "busy" },
    { kind: "queue", name: "starve" },
    { kind: "queue", name: "conn" },
  ]);

  it("loseLocks: completeMessage throws MessageLockLost and the message is redelivered", async () => {
    await f.client.createSender("lost").sendMessages([{ body: 1, messageId: "keep" }, { body: 2, messageId: "lose" }]);
    const r = f.client.createReceiver("lost");
    const msgs = await r.receiveMessages(2, { maxWaitTimeInMs: 1000 });
    expect(f.emulator.faults.loseLocks({ messageId: "lose" })).toBe(1);
    await r.completeMessage(msgs.find((m) => m.messageId === "keep")!);
    const err = await r.completeMessage(msgs.find((m) => m.messageId === "lose")!).catch((e: unknown) => e);
    expect(isServiceBusError(err) && err.code).toBe("MessageLockLost");
    const [back] = await r.receiveMessages(1, { maxWaitTimeInMs: 1000 });
    expect(back?.messageId).toBe("lose");
    expect(back?.deliveryCount).toBe(1);
    await r.completeMessage(back!);
    await r.close();
  });

  it("delayDispositions / dropDispositions: the settle call waits, or times out although the broker applied it", async () => {
    const client = f.newClient({ retryOptions: { maxRetries: 0, timeoutInMs: 800 } });
    await client.createSender("slow").sendMessages([{ body: 1 }, { body: 2 }]);
    const r = client.createReceiver("slow");
    const [a, b] = await r.receiveMessages(2, { maxWaitTimeInMs: 1000 });
    f.emulator.faults.delayDispositions(300, 1);
    const t0 = Date.now();
    await r.completeMessage(a!);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(280);
    f.emulator.faults.dropDispositions(1);
    const err = await r.completeMessage(b!).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error); // no answer: the SDK gives up
    expect(f.emulator.faults.snapshot().find((s) => s.path === "slow")).toMatchObject({ active: 0, locked: 0 });
    await r.close();
  });

  it("detachLinks: the SDK re-attaches and keeps receiving", async () => {
    const sender = f.client.createSender("detach");
    const r = f.client.createReceiver("detach");
    const got: number[] = [];
    const errors: string[] = [];
    const sub = r.subscribe({
      processMessage: async (m) => void got.push(m.body as number),
      processError: async (args) => void errors.push(String((args.error as { code?: string }).code ?? args.error.message)),
    });
    await sender.sendMessages({ body: 1 });
    while (got.length < 1) await sleep(20);
    expect(f.emulator.faults.detachLinks({ entity: "detach", role: "receiver" })).toBe(1);
    await sleep(200);
    await sender.sendMessages({ body: 2 });
    const deadline = Date.now() + 5000;
    while (got.length < 2 && Date.now() < deadline) await sleep(20);
    expect(got).toEqual([1, 2]);
    expect(errors.length).toBeGreaterThan(0); // processError saw the forced detach
    await sub.close();
    await r.close();
  });

  it("serverBusy: a send is refused with ServerBusy, the next one succeeds", async () => {
    const client = f.newClient({ retryOptions: { maxRetries: 0, timeoutInMs: 3000 } });
    const sender = client.createSender("busy");
    f.emulator.faults.serverBusy(1);
    const err = await sender.sendMessages({ body: "x" }).catch((e: unknown) => e);
    expect(isServiceBusError(err) && err.code).toBe("ServiceBusy");
    await sender.sendMessages({ body: "y" });
    const r = client.createReceiver("busy", { receiveMode: "receiveAndDelete" });
    expect((await r.receiveMessages(5, { maxWaitTimeInMs: 500 })).map((m) => m.body)).toEqual(["y"]);
    await r.close();
  });

  it("starveCredit: receivers get nothing while starved, everything once restored", async () => {
    await f.client.createSender("starve").sendMessages([{ body: 1 }, { body: 2 }]);
    f.emulator.faults.starveCredit(true);
    const r = f.client.createReceiver("starve", { receiveMode: "receiveAndDelete" });
    expect(await r.receiveMessages(2, { maxWaitTimeInMs: 300 })).toEqual([]);
    f.emulator.faults.starveCredit(false);
    expect((await r.receiveMessages(2, { maxWaitTimeInMs: 1000 })).map((m) => m.body)).toEqual([1, 2]);
    await r.close();
  });

  it("dropConnections: the SDK reconnects and the next send and receive work", async () => {
    const client = new ServiceBusClient(f.emulator.connectionString, { retryOptions: { maxRetries: 3, retryDelayInMs: 100, timeoutInMs: 3000 } });
    try {
      const sender = client.createSender("conn");
      await sender.sendMessages({ body: "before" });
      expect(f.emulator.faults.dropConnections()).toBeGreaterThan(0);
      await sleep(100);
      await sender.sendMessages({ body: "after" });
      const r = client.createReceiver("conn", { receiveMode: "receiveAndDelete" });
      const msgs = await r.receiveMessages(2, { maxWaitTimeInMs: 1000 });
      expect(msgs.map((m) => m.body)).toEqual(["before", "after"]);
    } finally {
      await client.close();
    }
  });
});
