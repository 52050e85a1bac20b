import type { LoadedHandler } from "./handler.js";
import type { Step } from "./schedule.js";
import { type Attempt, deliverUntilHandled, startDelivery, throwNote, ticks } from "./deliver.js";
import type { CertifyMessage, Json, ScheduleRun } from "./types.js";

/** The copy of a message currently in the (simulated) broker: its delivery count and whether it was acked. */
interface Copy {
  count: number;
  acked: boolean;
}

/**
 * The in-process scheduler: run an allowed schedule against the handler (already reset) and take
 * its snapshot. Deterministic for handlers whose awaits are on in-process work (files via sync
 * calls, node:sqlite, memory): concurrency is interleaved at microtask granularity.
 */
export async function runSchedule(handler: LoadedHandler, messages: readonly CertifyMessage[], steps: readonly Step[]): Promise<ScheduleRun> {
  const byId = new Map(messages.map((m) => [m.id, m]));
  const copies = new Map<string, Copy>();
  const trace: string[] = [];
  const failedAttempts = new Set<string>();
  let deliveries = 0;

  /** Next delivery count of `id`, opening a new copy when the last one was acked. */
  const next = (id: string): { count: number; label: string } => {
    const copy = copies.get(id);
    if (copy && !copy.acked) return { count: copy.count + 1, label: `redelivery, deliveryCount ${copy.count + 1}` };
    copies.set(id, { count: 0, acked: false });
    return { count: 1, label: copy ? "duplicate copy, deliveryCount 1" : "deliveryCount 1" };
  };
  const settle = (id: string, lastCount: number, acked: boolean) => copies.set(id, { count: lastCount, acked });
  const msg = (id: string) => byId.get(id)!;
  /** Retry a failed concurrent attempt the way a nack would. */
  const finish = async (id: string, attempt: Attempt, count: number): Promise<{ last: number; note: string }> => {
    if (attempt.ok) return { last: count, note: "" };
    failedAttempts.add(id);
    const retry = await deliverUntilHandled(handler, msg(id), count + 1);
    deliveries += retry.attempts;
    return { last: count + retry.attempts, note: throwNote([attempt.error ?? "error", ...retry.errors], retry.handled) };
  };

  for (const [i, step] of steps.entries()) {
    const n = `${i + 1}.`;
    switch (step.op) {
      case "deliver":
      case "transient-failure":
      case "crash-before-ack": {
        const { count, label } = next(step.id);
        const injected = step.op === "transient-failure";
        const r = await deliverUntilHandled(handler, msg(step.id), count, injected);
        deliveries += r.attempts;
        if (r.errors.length > 0) failedAttempts.add(step.id);
        const crashed = step.op === "crash-before-ack";
        settle(step.id, count + r.attempts - 1, !crashed);
        const what = crashed ? `handled, consumer crashed before the ack and restarted (${step.id} stays unacked)` : injected ? "acked after its effect failed once (context.transientFailure)" : "handled, acked";
        trace.push(`${n} ${step.op} ${step.id} (key ${msg(step.id).key}, ${label}): ${what}${throwNote(r.errors, r.handled)}`);
        if (crashed) await handler.restart();
        break;
      }
      case "lock-expiry": {
        const { count, label } = next(step.id);
        const first = startDelivery(handler, msg(step.id), count);
        await ticks(step.afterTicks);
        first.lock.abort(new Error("lock lost"));
        const second = startDelivery(handler, msg(step.id), count + 1);
        const [r1, r2] = await Promise.all([first.done, second.done]);
        deliveries += 2;
        const done = await finish(step.id, r2, count + 1);
        settle(step.id, done.last, true);
        const firstNote = r1.ok ? "" : ` (first threw: ${r1.error})`;
        trace.push(
          `${n} lock-expiry ${step.id} (key ${msg(step.id).key}, ${label}): lock expired ${step.afterTicks} tick${step.afterTicks === 1 ? "" : "s"} into handle(); redelivery ${count + 1} ran concurrently; first ack rejected (lock lost), second acked${firstNote}${done.note}`,
        );
        break;
      }
      case "parallel": {
        const [a, b] = step.ids;
        const na = next(a);
        const nb = next(b);
        const da = startDelivery(handler, msg(a), na.count);
        await ticks(step.afterTicks);
        const db = startDelivery(handler, msg(b), nb.count);
        const [ra, rb] = await Promise.all([da.done, db.done]);
        deliveries += 2;
        const fa = await finish(a, ra, na.count);
        const fb = await finish(b, rb, nb.count);
        settle(a, fa.last, true);
        settle(b, fb.last, true);
        trace.push(`${n} parallel ${a} (key ${msg(a).key}, ${na.label}) + ${b} (key ${msg(b).key}, ${nb.label}) ${step.afterTicks} tick${step.afterTicks === 1 ? "" : "s"} later: both handled, acked${fa.note}${fb.note}`);
        break;
      }
      case "restart":
        await handler.restart();
        trace.push(`${n} restart: the consumer process restarts (${handler.hasRestart ? "restart()" : "module re-imported"})`);
        break;
    }
  }
  const actual: Json = await handler.snapshot();
  return { actual, trace, deliveries, failedAttempts: [...failedAttempts] };
}

/** Outcome of the reference run: its snapshot, or the message whose handle() never succeeded. */
export type ReferenceRun = { ok: true; snapshot: Json; retried: string[] } | { ok: false; failed: string; error: string; attempts: number };

/**
 * The reference: every message handled once, in send order, on a reset handler. As a broker
 * would, a delivery whose handle() throws is redelivered (deliveryCount + 1) until it succeeds,
 * up to MAX_ATTEMPTS; only a message that never succeeds fails the reference.
 */
export async function runReference(handler: LoadedHandler, messages: readonly CertifyMessage[]): Promise<ReferenceRun> {
  const retried: string[] = [];
  for (const m of messages) {
    const r = await deliverUntilHandled(handler, m, 1);
    if (!r.handled) return { ok: false, failed: m.id, error: r.errors[r.errors.length - 1] ?? "error", attempts: r.attempts };
    if (r.attempts > 1) retried.push(m.id);
  }
  return { ok: true, snapshot: await handler.snapshot(), retried };
}
