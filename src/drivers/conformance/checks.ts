import type { Consumer } from "../../core/driver.js";
import type { Delivery } from "../../core/history.js";
import { DefiniteFailure } from "../../core/errors.js";
import { type ConformanceCheck, expectThat } from "./kit.js";

// Long enough that connecting a real client (the SDK's CBS handshake, ~100 ms) does not outlast a lock;
// free on memory:// (virtual time).
const LOCK_MS = 1_000;
const WAIT_MS = 1_000;

const queue = (name: string, extra: Record<string, unknown> = {}) => [{ kind: "queue" as const, name, lockDurationMs: LOCK_MS, ...extra }];

async function receiveOne(driver: Parameters<ConformanceCheck["run"]>[0], source: string, mode: "peek-lock" | "receive-and-delete" = "peek-lock"): Promise<Delivery> {
  const consumer = await driver.consumer(source, { mode });
  const [d] = await consumer.receive(1, WAIT_MS);
  await consumer.close();
  expectThat(d !== undefined, `no message arrived at ${source} within ${WAIT_MS} ms`);
  return d;
}

/** Everything left at `source` (or its DLQ), removed. */
async function drainLeft(driver: Parameters<ConformanceCheck["run"]>[0], source: string, dlq = false): Promise<Delivery[]> {
  return driver.drain(source, { dlq, maxWaitMs: LOCK_MS * 3 });
}

/** Provision `q`, send message "a", open a peek-lock consumer and receive it. */
async function receiveFirst(
  driver: Parameters<ConformanceCheck["run"]>[0],
  q: string,
  settings: Record<string, unknown> = {},
): Promise<{ consumer: Consumer; delivery: Delivery }> {
  await driver.provision(queue(q, settings));
  await (await driver.producer()).send(q, [{ id: "a" }]);
  const consumer = await driver.consumer(q, { mode: "peek-lock" });
  const [delivery] = await consumer.receive(1, WAIT_MS);
  expectThat(delivery !== undefined, `no message arrived at ${q} within ${WAIT_MS} ms`);
  return { consumer, delivery };
}

/** The conformance kit: behaviour every driver is held to, each gated by its capabilities. */
export const CONFORMANCE_CHECKS: readonly ConformanceCheck[] = [
  {
    name: "send-receive-complete",
    description: "a sent message is received once in peek-lock with its id and key, and completing removes it",
    requires: ["peek-lock"],
    async run(driver, q) {
      await driver.provision(queue(q));
      await (await driver.producer()).send(q, [{ id: "a", key: "k" }]);
      const consumer = await driver.consumer(q, { mode: "peek-lock" });
      const [d] = await consumer.receive(1, WAIT_MS);
      expectThat(d?.id === "a", `expected message a, got ${d?.id ?? "nothing"}`);
      expectThat(d.key === "k", `key lost: expected k, got ${d.key}`);
      expectThat(d.lockToken !== undefined, "peek-lock delivery carries no lock token");
      if (driver.capabilities.has("delivery-count")) expectThat(d.deliveryCount === 1, `first delivery has deliveryCount ${d.deliveryCount}, expected 1`);
      await consumer.settle(d, "complete");
      const left = await drainLeft(driver, q);
      expectThat(left.length === 0, `completed message still there: ${left.map((x) => x.id).join(",")}`);
    },
  },
  {
    name: "batch-send-order",
    description: "a batch is stored whole and delivered in batch order",
    requires: ["batch-send", "peek-lock"],
    async run(driver, q) {
      await driver.provision(queue(q));
      await (await driver.producer()).send(q, [{ id: "a" }, { id: "b" }, { id: "c" }]);
      const got = await drainLeft(driver, q);
      expectThat(got.map((d) => d.id).join(",") === "a,b,c", `expected a,b,c, got ${got.map((d) => d.id).join(",")}`);
    },
  },
  {
    name: "receive-and-delete",
    description: "receive-and-delete hands a message out once, without a lock",
    requires: ["receive-and-delete"],
    async run(driver, q) {
      await driver.provision(queue(q));
      await (await driver.producer()).send(q, [{ id: "a" }]);
      const d = await receiveOne(driver, q, "receive-and-delete");
      expectThat(d.lockToken === undefined, "receive-and-delete delivery carries a lock token");
      const left = await drainLeft(driver, q);
      expectThat(left.length === 0, "message still present after receive-and-delete");
    },
  },
  {
    name: "abandon-redelivers",
    description: "an abandoned message comes back with a higher delivery count",
    requires: ["peek-lock", "abandon"],
    async run(driver, q) {
      const { consumer, delivery: first } = await receiveFirst(driver, q, { maxDeliveryCount: 10 });
      await consumer.settle(first, "abandon");
      const [second] = await consumer.receive(1, WAIT_MS);
      expectThat(second?.id === "a", "abandoned message was not redelivered");
      if (driver.capabilities.has("delivery-count")) expectThat(second.deliveryCount === 2, `redelivery has deliveryCount ${second.deliveryCount}, expected 2`);
      await consumer.settle(second, "complete");
    },
  },
  {
    name: "lock-expiry-redelivers",
    description: "after the lock expires the message is redelivered and the old lock's settlement fails",
    requires: ["peek-lock", "lock-expiry"],
    async run(driver, q) {
      const { consumer: slow, delivery: held } = await receiveFirst(driver, q, { maxDeliveryCount: 10 });
      await driver.clock.sleep(LOCK_MS * 1.5);
      const again = await receiveOne(driver, q);
      expectThat(again.id === "a", "message not redelivered after lock expiry");
      const late = await slow.settle(held, "complete").then(
        () => "accepted",
        (err) => (err instanceof DefiniteFailure ? "refused" : `unclear: ${(err as Error).message}`),
      );
      expectThat(late === "refused", `settling with an expired lock was ${late}`);
    },
  },
  {
    name: "renew-extends-lock",
    description: "renewing a lock keeps other consumers from receiving the message",
    requires: ["peek-lock", "renew-lock", "lock-expiry"],
    async run(driver, q) {
      const { consumer: holder, delivery: d } = await receiveFirst(driver, q);
      expectThat(d.lockedUntil !== undefined, "delivery has no lockedUntil");
      await driver.clock.sleep(LOCK_MS / 2);
      const until = await holder.renew(d);
      expectThat(until > d.lockedUntil, `renewal did not extend the lock (${until} <= ${d.lockedUntil})`);
      // Past the first lock's expiry but inside the renewed one, another consumer asks for it
      // (waiting no longer than the renewed lock lasts: connecting a client takes real time).
      await driver.clock.sleep(LOCK_MS * 0.6);
      const other = await driver.consumer(q, { mode: "peek-lock" });
      const left = (until - driver.clock.now()) / 1e6 - LOCK_MS / 4;
      expectThat(left > 0, "the renewed lock ran out before the check could ask (renewal too short?)");
      const stolen = await other.receive(1, left);
      expectThat(stolen.length === 0 || driver.clock.now() >= until, "another consumer received a message whose lock was renewed");
      await holder.settle(d, "complete");
    },
  },
  {
    name: "dead-letter-with-reason",
    description: "an explicitly dead-lettered message lands in the DLQ with its reason",
    requires: ["peek-lock", "dead-letter"],
    async run(driver, q) {
      const { consumer, delivery: d } = await receiveFirst(driver, q);
      await consumer.settle(d, "dead-letter", { reason: "poison", description: "bad payload" });
      const dlq = await drainLeft(driver, q, true);
      expectThat(dlq.length === 1 && dlq[0]!.id === "a", `DLQ holds ${dlq.map((x) => x.id).join(",") || "nothing"}`);
      // Brokers without reason support (RabbitMQ's reject) must still say why: "rejected".
      const expected = driver.capabilities.has("dead-letter-reason") ? "poison" : undefined;
      if (expected) expectThat(dlq[0]!.deadLetterReason === expected, `reason ${dlq[0]!.deadLetterReason}, expected ${expected}`);
      else expectThat(Boolean(dlq[0]!.deadLetterReason), "dead-lettered message carries no reason at all");
    },
  },
  {
    name: "max-delivery-count",
    description: "after maxDeliveryCount failed deliveries the message is dead-lettered as MaxDeliveryCountExceeded",
    requires: ["peek-lock", "abandon", "max-delivery-count", "dead-letter"],
    async run(driver, q) {
      await driver.provision(queue(q, { maxDeliveryCount: 2 }));
      await (await driver.producer()).send(q, [{ id: "a" }]);
      const consumer = await driver.consumer(q, { mode: "peek-lock" });
      for (let i = 0; i < 2; i++) {
        const [d] = await consumer.receive(1, WAIT_MS);
        expectThat(d !== undefined, `delivery ${i + 1} missing`);
        await consumer.settle(d, "abandon");
      }
      const more = await consumer.receive(1, LOCK_MS / 2);
      expectThat(more.length === 0, "message delivered a third time despite maxDeliveryCount 2");
      const dlq = await drainLeft(driver, q, true);
      expectThat(dlq[0]?.deadLetterReason === "MaxDeliveryCountExceeded", `DLQ: ${JSON.stringify(dlq.map((x) => x.deadLetterReason))}`);
    },
  },
  {
    name: "ordered-keys",
    description: "a key is held by one consumer: its next message waits until the earlier one is settled",
    requires: ["peek-lock", "ordered-keys"],
    async run(driver, q) {
      await driver.provision(queue(q, { orderedKeys: true }));
      const producer = await driver.producer();
      await producer.send(q, [{ id: "a1", key: "A" }]);
      await producer.send(q, [{ id: "a2", key: "A" }]);
      const first = await driver.consumer(q, { mode: "peek-lock" });
      const [d1] = await first.receive(1, WAIT_MS);
      expectThat(d1?.id === "a1", `first delivery was ${d1?.id}, expected a1`);
      const second = await driver.consumer(q, { mode: "peek-lock" });
      const early = await second.receive(1, LOCK_MS / 10);
      expectThat(early[0]?.id !== "a2", "another consumer got a2 before a1 was settled");
      // A Kafka member may lose the key's partition to the newcomer: its settle then fails
      // definitely, and a1 (not a2) must come next.
      const settled = await first.settle(d1, "complete").then(
        () => true,
        (err: unknown) => (err instanceof DefiniteFailure ? false : Promise.reject(err)),
      );
      expectThat(!settled || early.length === 0, `another consumer got ${early[0]?.id} while key A was held, and the holder's complete still succeeded`);
      const expected = settled ? "a2" : "a1";
      // The key may stay with its holder (a Kafka partition owner) or move on (a released session).
      let holder = second;
      let d2 = early[0];
      if (!d2) [d2] = await second.receive(1, LOCK_MS);
      if (!d2) [d2, holder] = [(await first.receive(1, WAIT_MS))[0], first];
      expectThat(d2?.id === expected, `after a1 was ${settled ? "completed" : "lost to a rebalance"} the next delivery was ${d2?.id ?? "nothing"}, expected ${expected}`);
      await holder.settle(d2!, "complete");
    },
  },
  {
    name: "topic-fan-out",
    description: "a message sent to a topic reaches every subscription",
    requires: ["topics"],
    async run(driver, t) {
      await driver.provision([{ kind: "topic", name: t, subscriptions: [{ name: "s1", lockDurationMs: LOCK_MS }, { name: "s2", lockDurationMs: LOCK_MS }] }]);
      await (await driver.producer()).send(t, [{ id: "a" }]);
      for (const sub of ["s1", "s2"]) {
        const got = await drainLeft(driver, `${t}/${sub}`);
        expectThat(got.length === 1 && got[0]!.id === "a", `subscription ${sub} got ${got.map((x) => x.id).join(",") || "nothing"}`);
      }
    },
  },
  {
    name: "duplicate-detection",
    description: "a re-send of the same message id inside the window is dropped",
    requires: ["duplicate-detection"],
    async run(driver, q) {
      await driver.provision(queue(q, { duplicateDetectionMs: 60_000 }));
      const producer = await driver.producer();
      await producer.send(q, [{ id: "a" }]);
      await producer.send(q, [{ id: "a" }]);
      const got = await drainLeft(driver, q);
      expectThat(got.length === 1, `expected one copy of a, got ${got.length}`);
    },
  },
  {
    name: "defer",
    description: "a deferred message is not handed out again by ordinary receives",
    requires: ["peek-lock", "defer"],
    async run(driver, q) {
      const { consumer, delivery: d } = await receiveFirst(driver, q);
      await consumer.settle(d, "defer");
      const again = await consumer.receive(1, LOCK_MS * 2);
      expectThat(again.length === 0, "deferred message was delivered again by a plain receive");
      const left = await drainLeft(driver, q);
      expectThat(left.length === 1 && left[0]!.deferred === true, "deferred message not kept as deferred");
    },
  },
  {
    name: "competing-consumers",
    description: "with two consumers each message is locked by one of them only",
    requires: ["peek-lock"],
    async run(driver, q) {
      await driver.provision(queue(q));
      await (await driver.producer()).send(q, [{ id: "a" }]);
      await (await driver.producer()).send(q, [{ id: "b" }]);
      const [c1, c2] = [await driver.consumer(q, { mode: "peek-lock" }), await driver.consumer(q, { mode: "peek-lock" })];
      // Neither settles, so nothing may be handed to both; whichever holds a message (a Kafka
      // partition owner, or any queue consumer) delivers it.
      const got: string[] = [];
      const deadline = Date.now() + WAIT_MS * 2;
      while (got.length < 2 && Date.now() < deadline) {
        for (const c of [c1, c2]) got.push(...(await c.receive(1, LOCK_MS / 4)).map((d) => d.id));
      }
      const ids = got.sort();
      expectThat(ids.join(",") === "a,b", `two consumers got ${ids.join(",")}, expected a and b once each`);
    },
  },
];
