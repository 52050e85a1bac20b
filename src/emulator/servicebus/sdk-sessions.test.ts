/**
 * Oracle: sessions through the real SDK. Ported from Azure/azure-sdk-for-js
 * sdk/servicebus/service-bus/test/public/sessionsTests.spec.ts, renewLockSessions.spec.ts
 * and sessionsRequiredCleanEntityTests.spec.ts.
 */
import { isServiceBusError } from "@azure/service-bus";
import { describe, expect, it } from "vitest";
import { sleep, useEmulator } from "./sdk.test-helper.js";

const SESSION_LOCK_MS = 600;

describe("sessions through the SDK", () => {
  const f = useEmulator(
    [
      { kind: "queue", name: "sq", requiresSession: true, lockDurationMs: 30_000 },
      { kind: "queue", name: "sq-empty", requiresSession: true },
      { kind: "queue", name: "sq-lock", requiresSession: true, lockDurationMs: SESSION_LOCK_MS },
    ],
    { sessionWaitCapMs: 300 },
  );

  // sessionsTests.spec.ts "Accept a specific session and receive its messages in order"
  it("acceptSession receives only that session's messages, in order", async () => {
    const sender = f.client.createSender("sq");
    await sender.sendMessages([
      { body: "a1", sessionId: "A" },
      { body: "b1", sessionId: "B" },
      { body: "a2", sessionId: "A" },
    ]);
    const a = await f.client.acceptSession("sq", "A");
    expect(a.sessionId).toBe("A");
    expect(a.sessionLockedUntilUtc!.getTime()).toBeGreaterThan(Date.now() + 20_000);
    const msgs = await a.receiveMessages(5, { maxWaitTimeInMs: 500 });
    expect(msgs.map((m) => m.body)).toEqual(["a1", "a2"]);
    expect(msgs.every((m) => m.sessionId === "A")).toBe(true);
    for (const m of msgs) await a.completeMessage(m);
    await a.close();
  });

  // sessionsTests.spec.ts "acceptNextSession returns the next session with messages"
  it("acceptNextSession picks an available session", async () => {
    const next = await f.client.acceptNextSession("sq");
    expect(next.sessionId).toBe("B");
    const [m] = await next.receiveMessages(1, { maxWaitTimeInMs: 500 });
    expect(m?.body).toBe("b1");
    await next.completeMessage(m!);
    await next.close();
  });

  // sessionsRequiredCleanEntityTests.spec.ts "acceptNextSession with no sessions: ServiceTimeout or SessionCannotBeLocked"
  it("acceptNextSession with no session available fails with ServiceTimeout", async () => {
    const err = await f.client.acceptNextSession("sq-empty").catch((e: unknown) => e);
    expect(isServiceBusError(err) ? err.code : String(err)).toMatch(/^(ServiceTimeout|SessionCannotBeLocked)$/);
  });

  // sessionsTests.spec.ts "Second receiver for the same session fails with SessionCannotBeLocked"
  it("a second acceptSession for a locked session fails with SessionCannotBeLocked", async () => {
    await f.client.createSender("sq").sendMessages({ body: "c1", sessionId: "C" });
    const first = await f.client.acceptSession("sq", "C");
    const err = await f.client.acceptSession("sq", "C").catch((e: unknown) => e);
    expect(isServiceBusError(err) && err.code).toBe("SessionCannotBeLocked");
    const [m] = await first.receiveMessages(1, { maxWaitTimeInMs: 500 });
    await first.completeMessage(m!);
    await first.close();
    const again = await f.client.acceptSession("sq", "C"); // free once closed
    await again.close();
  });

  // What the driver's sessionLocksReleasedOnCrash declares (a crash closes the consumer's client):
  // the session and its message locks end with the holder's connection, not at lockedUntil.
  it("frees a session whose holder's connection closes: the next client takes it at once, the message counted", async () => {
    await f.client.createSender("sq").sendMessages({ body: "e1", sessionId: "E" });
    const dying = f.newClient();
    const held = await dying.acceptSession("sq", "E");
    const [first] = await held.receiveMessages(1, { maxWaitTimeInMs: 500 });
    expect(first!.lockedUntilUtc!.getTime()).toBeGreaterThan(Date.now() + 20_000); // 30 s lock
    await dying.close(); // no settle
    const next = await f.client.acceptSession("sq", "E");
    const [again] = await next.receiveMessages(1, { maxWaitTimeInMs: 500 });
    expect(again?.body).toBe("e1");
    expect(again!.deliveryCount).toBe(1);
    await next.completeMessage(again!);
    await next.close();
  });

  // sessionsTests.spec.ts "getSessionState / setSessionState"
  it("session state round-trips and survives the receiver", async () => {
    const r = await f.client.acceptSession("sq", "S");
    expect(await r.getSessionState()).toBeNull(); // no state yet
    await r.setSessionState("step-2");
    expect(await r.getSessionState()).toBe("step-2");
    await r.close();
    const r2 = await f.client.acceptSession("sq", "S");
    expect(await r2.getSessionState()).toBe("step-2");
    await r2.setSessionState(null);
    await r2.close();
  });

  // renewLockSessions.spec.ts "renewSessionLock extends sessionLockedUntilUtc"
  it("renewSessionLock extends the session lock; without renewal it is lost", async () => {
    await f.client.createSender("sq-lock").sendMessages({ body: "l1", sessionId: "L" });
    const r = await f.client.acceptSession("sq-lock", "L", { maxAutoLockRenewalDurationInMs: 0 });
    const before = r.sessionLockedUntilUtc!.getTime();
    await sleep(SESSION_LOCK_MS / 2);
    const after = await r.renewSessionLock();
    expect(after.getTime()).toBeGreaterThan(before);
    const [m] = await r.receiveMessages(1, { maxWaitTimeInMs: 500 });
    expect(m?.body).toBe("l1");
    await sleep(SESSION_LOCK_MS + 200); // lock runs out: the session can be taken by another receiver
    const err = await r.completeMessage(m!).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    const other = await f.client.acceptSession("sq-lock", "L", { maxAutoLockRenewalDurationInMs: 0 });
    const [back] = await other.receiveMessages(1, { maxWaitTimeInMs: 500 });
    expect(back?.body).toBe("l1");
    expect(back?.deliveryCount).toBe(1);
    await other.completeMessage(back!);
    await Promise.all([r.close().catch(() => {}), other.close()]);
  });

  // sessionsRequiredCleanEntityTests.spec.ts: a message without sessionId cannot go to a session queue
  it("a message without sessionId is refused by a session queue", async () => {
    const err = await f.client.createSender("sq").sendMessages({ body: "no-session" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
  });
});
