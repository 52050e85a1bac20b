import type { Delivery } from "../core/history.js";
import { describeError } from "../core/errors.js";
import { MemoryBroker } from "../brokers/memory/broker.js";
import { SeededRandom } from "../brokers/memory/random.js";
import { MAX_ATTEMPTS, startDelivery, ticks } from "./deliver.js";
import type { DeliveryStep } from "./delivery-plan.js";
import type { LoadedHandler } from "./handler.js";
import { ManualClock } from "./manual-clock.js";
import type { CertifyMessage, Semantics, ScheduleRun } from "./types.js";

const QUEUE = "certify";
/** Lock duration of the certify queue (virtual time: waiting it out costs nothing). */
export const LOCK_MS = 30_000;

/**
 * Run a fault plan with deliveries through the embedded broker's peek-lock queue (ordered keys
 * under per-key-order), then drain it; returns the handler's snapshot and what happened.
 */
export async function runBrokerPlan(
  handler: LoadedHandler,
  messages: readonly CertifyMessage[],
  plan: readonly DeliveryStep[],
  semantics: Semantics,
): Promise<ScheduleRun> {
  const byId = new Map(messages.map((m) => [m.id, m]));
  const clock = new ManualClock();
  const broker = new MemoryBroker({ clock, random: new SeededRandom(0) });
  broker.provision([{ kind: "queue", name: QUEUE, lockDurationMs: LOCK_MS, maxDeliveryCount: MAX_ATTEMPTS, orderedKeys: semantics === "per-key-order" }]);
  broker.send(QUEUE, messages.map((m) => ({ id: m.id, key: m.key })));
  let outstanding = messages.length;
  let consumers = 1;
  let consumer = "c1";
  let deliveries = 0;
  const trace: string[] = [];

  /** The next delivery for `who`; waits out expiring locks (a crashed consumer's) when nothing else is available. */
  const receive = (who: string, wait = true): { d?: Delivery; waited: string } => {
    for (let waits = 0; waits <= (wait ? 1 : 0); waits++) {
      const [d] = broker.receive(QUEUE, who, 1, "peek-lock");
      if (d) return { d, waited: waits ? `after a lock expired (${LOCK_MS / 1000} s), ` : "" };
      if (outstanding === 0) break;
      clock.advance(LOCK_MS);
    }
    return { waited: "" };
  };
  const describe = (d: Delivery) => `${d.id} (key ${d.key}, deliveryCount ${d.deliveryCount ?? 1}${d.redelivered ? ", redelivered" : ""})`;
  const start = (d: Delivery) => {
    deliveries += 1;
    return startDelivery(handler, byId.get(d.id)!, d.deliveryCount ?? 1);
  };
  /** Complete after success, abandon after a throw (the broker dead-letters at MAX_ATTEMPTS). */
  const settle = (d: Delivery, ok: boolean, error?: string): string => {
    try {
      broker.settle(QUEUE, d.lockToken ?? "", ok ? "complete" : "abandon");
    } catch (err) {
      return `${ok ? "complete" : "abandon"} rejected (${describeError(err)})`;
    }
    if (ok) {
      outstanding -= 1;
      return "handled, completed";
    }
    const dead = broker.drain(QUEUE, true).deliveries.length;
    outstanding -= dead;
    return `threw (${error}), abandoned${dead ? ", dead-lettered" : ""}`;
  };
  const restart = async () => {
    await handler.restart();
    consumer = `c${++consumers}`;
  };

  for (const [i, step] of plan.entries()) {
    const n = `${i + 1}.`;
    if (step.op === "duplicate") {
      broker.send(QUEUE, [{ id: step.id, key: byId.get(step.id)!.key }]);
      outstanding += 1;
      trace.push(`${n} duplicate: the producer sends ${step.id} again (a retry; the queue has no duplicate detection)`);
      continue;
    }
    if (step.op === "restart") {
      await restart();
      trace.push(`${n} restart: the consumer process restarts`);
      continue;
    }
    const { d, waited } = receive(consumer);
    if (!d) {
      trace.push(`${n} ${step.op}: the queue is empty, nothing to deliver`);
      continue;
    }
    const first = start(d);
    if (step.op === "deliver" || step.op === "crash-before-ack") {
      const r = await first.done;
      if (step.op === "deliver") trace.push(`${n} deliver ${waited}${describe(d)}: ${settle(d, r.ok, r.error)}`);
      else {
        await restart();
        trace.push(`${n} crash-before-ack ${waited}${describe(d)}: ${r.ok ? "handled" : `threw (${r.error})`}, consumer crashed before completing and restarted; the lock stays until it expires`);
      }
      continue;
    }
    await ticks(step.afterTicks);
    if (step.op === "lock-expiry") {
      clock.advance(LOCK_MS);
      first.lock.abort(new Error("lock lost"));
    }
    const second = receive(`${consumer}-b`, false);
    const other = second.d ? start(second.d) : undefined;
    const [r1, r2] = await Promise.all([first.done, other?.done]);
    const s1 = settle(d, r1.ok, r1.error);
    const s2 = second.d && r2 ? settle(second.d, r2.ok, r2.error) : "";
    const gap = `${step.afterTicks} tick${step.afterTicks === 1 ? "" : "s"}`;
    if (step.op === "lock-expiry") {
      const tail = second.d ? `; a competing consumer got ${describe(second.d)} concurrently: ${s2}` : "; nothing else was delivered";
      trace.push(`${n} lock-expiry ${waited}${describe(d)}: lock expired ${gap} into handle(), first delivery: ${s1}${tail}`);
    } else {
      const tail = second.d ? ` + ${describe(second.d)} ${gap} later: ${s2}` : " (no second message available)";
      trace.push(`${n} parallel ${waited}${describe(d)}: ${s1}${tail}`);
    }
  }
  const limit = (messages.length + plan.length) * (MAX_ATTEMPTS + 1);
  for (let k = 0; outstanding > 0 && k < limit; k++) {
    const { d, waited } = receive(consumer);
    if (!d) break;
    const r = await start(d).done;
    trace.push(`${plan.length + k + 1}. drain ${waited}${describe(d)}: ${settle(d, r.ok, r.error)}`);
  }
  return { actual: await handler.snapshot(), trace, deliveries };
}
