/**
 * The Service Bus driver's timing paths on the embedded emulator (issue 12 item 4): a settlement
 * whose session link is detached under it ends at once as indeterminate (the SDK alone waits
 * 60 s), and the final drain waits out locks held by crashed clients — plain and session — and
 * returns what they held, yet answers an empty entity without waiting.
 */
import { afterEach, describe, expect, it } from "vitest";
import { DefiniteFailure } from "../src/core/errors.js";
import type { EntitySpec } from "../src/core/entities.js";
import { ServiceBusDriver } from "../src/drivers/servicebus/driver.js";
import { type ServiceBusEmulator, startServiceBusEmulator } from "../src/emulator/servicebus/index.js";
import { SCENARIO_SESSION_WAIT_MS } from "../src/environments/servicebus/namespace.js";

let emulator: ServiceBusEmulator | undefined;
let driver: ServiceBusDriver | undefined;

async function connect(entities: EntitySpec[]): Promise<{ driver: ServiceBusDriver; emulator: ServiceBusEmulator }> {
  driver = new ServiceBusDriver(async (e) => {
    emulator = await startServiceBusEmulator({ entities: [...e], sessionWaitCapMs: SCENARIO_SESSION_WAIT_MS });
    return { connectionString: emulator.connectionString, name: (n) => n, close: () => emulator!.stop() };
  });
  await driver.provision(entities);
  return { driver, emulator: emulator! };
}

afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

describe("Service Bus driver timing on the emulator", () => {
  it("ends a session settlement whose link was detached under it as indeterminate within a second", async () => {
    const { driver, emulator } = await connect([{ kind: "queue", name: "s", orderedKeys: true, lockDurationMs: 150 }]);
    const producer = await driver.producer();
    await producer.send("s", [{ id: "m1", key: "k" }]);
    const consumer = await driver.consumer("s", { mode: "peek-lock" });
    const [delivery] = await consumer.receive(1, 1_000);
    expect(delivery?.id).toBe("m1");
    // The broker applies nothing it never answers; the session lock then runs out and the link is detached.
    emulator.faults.dropDispositions(1);
    const t0 = Date.now();
    const error = await consumer.settle(delivery!, "complete").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(Date.now() - t0).toBeLessThan(1_500);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(DefiniteFailure); // unknown outcome: recorded as info, never as a failure
    expect(String((error as Error).message)).toMatch(/indeterminate: the session link closed/);
    await producer.close();
    await consumer.close();
  }, 20_000);

  it("drains what crashed consumers held once their locks expire, plain and session", async () => {
    const { driver } = await connect([
      { kind: "queue", name: "q", lockDurationMs: 300 },
      { kind: "queue", name: "s", orderedKeys: true, lockDurationMs: 300 },
    ]);
    const producer = await driver.producer();
    await producer.send("q", [{ id: "p1" }, { id: "p2" }]);
    await producer.send("s", [{ id: "s1", key: "a" }, { id: "s2", key: "b" }]);
    for (const source of ["q", "s"]) {
      const c = await driver.consumer(source, { mode: "peek-lock" });
      // One message from the session entity: a receive for two would wait out the session lock for a second one.
      expect((await c.receive(source === "q" ? 2 : 1, 100)).length).toBeGreaterThan(0);
      await c.crash(); // its locks stay until they expire
    }
    const t0 = Date.now();
    const plain = await driver.drain("q", { dlq: false, maxWaitMs: 700 });
    const session = await driver.drain("s", { dlq: false, maxWaitMs: 700 });
    expect(plain.map((d) => d.id).sort()).toEqual(["p1", "p2"]);
    expect(session.map((d) => d.id).sort()).toEqual(["s1", "s2"]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(200); // it did wait for the locks
    await producer.close();
  }, 20_000);

  it("answers an empty entity and its dead-letter queue without waiting out the lock duration", async () => {
    const { driver } = await connect([{ kind: "queue", name: "q", lockDurationMs: 5_000 }, { kind: "queue", name: "s", orderedKeys: true, lockDurationMs: 5_000 }]);
    await driver.drain("q", { dlq: false, maxWaitMs: 10_000 }); // connects the drain client
    const t0 = Date.now();
    for (const source of ["q", "s"]) for (const dlq of [false, true]) expect(await driver.drain(source, { dlq, maxWaitMs: 10_000 })).toEqual([]);
    expect(Date.now() - t0).toBeLessThan(2_000);
  }, 20_000);
});
