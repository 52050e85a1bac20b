import type { CertifyMessage, Semantics } from "./types.js";

/**
 * One step of an in-process delivery schedule (plain JSON, editable in a repro file):
 * - `deliver`: deliver `id`, handle it, ack it. Delivering an already-acked id is a duplicate copy
 *   (deliveryCount 1 again, as after a producer retry); an unacked one is a redelivery (count + 1).
 * - `crash-before-ack`: deliver and handle `id`, then the consumer process crashes before the ack:
 *   it restarts, and `id` must be redelivered by a later step.
 * - `lock-expiry`: deliver `id`; `afterTicks` microtask turns into handle(), its lock expires and a
 *   second delivery of `id` runs concurrently; the first ack is rejected (lock lost), the second counts.
 * - `parallel`: handle `ids[0]` and, `afterTicks` turns later, `ids[1]` concurrently; both acked.
 * - `restart`: the consumer process restarts between deliveries.
 * - `transient-failure`: deliver `id` with `context.transientFailure` set (its effect fails once,
 *   as a store timing out would); a throw is redelivered with deliveryCount + 1 until handled, then acked.
 */
export type Step =
  | { op: "deliver"; id: string }
  | { op: "crash-before-ack"; id: string }
  | { op: "lock-expiry"; id: string; afterTicks: number }
  | { op: "parallel"; ids: [string, string]; afterTicks: number }
  | { op: "restart" }
  | { op: "transient-failure"; id: string };

/** Step ops, for validation messages. */
export const STEP_OPS = ["deliver", "crash-before-ack", "lock-expiry", "parallel", "restart", "transient-failure"] as const;

/** Ids a step delivers. */
export function stepIds(step: Step): string[] {
  return step.op === "restart" ? [] : step.op === "parallel" ? [...step.ids] : [step.id];
}

/**
 * Tracks which messages are acked and which were delivered, to decide whether a step is allowed
 * by at-least-once delivery under the chosen semantics.
 */
export class ScheduleState {
  readonly acked = new Set<string>();
  readonly delivered = new Set<string>();
  private readonly byId: Map<string, { index: number; key: string }>;

  constructor(
    private readonly messages: readonly CertifyMessage[],
    private readonly semantics: Semantics,
  ) {
    this.byId = new Map(messages.map((m, index) => [m.id, { index, key: m.key }]));
  }

  /** Why `step` is not allowed now, or undefined when it is. */
  violation(step: Step): string | undefined {
    const ids = stepIds(step);
    for (const id of ids) if (!this.byId.has(id)) return `unknown message id "${id}"`;
    if (step.op === "parallel") {
      if (ids[0] === ids[1]) return `parallel needs two different messages (a message concurrent with itself is lock-expiry)`;
      const [a, b] = ids.map((id) => this.byId.get(id)!);
      if (this.semantics === "per-key-order" && a!.key === b!.key) return `parallel ${ids.join(" + ")}: both have key ${a!.key}, and per-key-order never delivers one key concurrently`;
    }
    if (this.semantics === "per-key-order") {
      for (const id of ids) {
        if (this.delivered.has(id)) continue;
        const blocker = this.earlierUnacked(id);
        if (blocker) return `first delivery of ${id} before ${blocker} (same key, sent earlier) is acked breaks per-key-order`;
      }
    }
    return undefined;
  }

  /** Record the effect of an allowed step. */
  apply(step: Step): void {
    for (const id of stepIds(step)) {
      this.delivered.add(id);
      if (step.op !== "crash-before-ack") this.acked.add(id);
    }
  }

  /** Ids never acked, in send order. */
  unacked(): string[] {
    return this.messages.filter((m) => !this.acked.has(m.id)).map((m) => m.id);
  }

  private earlierUnacked(id: string): string | undefined {
    const { index, key } = this.byId.get(id)!;
    return this.messages.slice(0, index).find((m) => m.key === key && !this.acked.has(m.id))?.id;
  }
}

/**
 * Turn any step list into an allowed schedule: drop steps the semantics forbid, then deliver every
 * message never acked, in send order (at-least-once: every message is acked at least once).
 */
export function normalizeSchedule(messages: readonly CertifyMessage[], steps: readonly Step[], semantics: Semantics): Step[] {
  const state = new ScheduleState(messages, semantics);
  const out: Step[] = [];
  for (const step of steps) {
    if (state.violation(step)) continue;
    state.apply(step);
    out.push(step);
  }
  for (const id of state.unacked()) out.push({ op: "deliver", id });
  return out;
}

/** Problems that make a (hand-edited) schedule not allowed; empty when it is allowed. */
export function scheduleViolations(messages: readonly CertifyMessage[], steps: readonly Step[], semantics: Semantics): string[] {
  const state = new ScheduleState(messages, semantics);
  const problems: string[] = [];
  steps.forEach((step, i) => {
    const why = state.violation(step);
    if (why) problems.push(`step ${i + 1}: ${why}`);
    else state.apply(step);
  });
  for (const id of state.unacked()) problems.push(`message ${id} is never acked (at-least-once requires every message to be acked at least once)`);
  return problems;
}

/** The mechanisms a schedule exercises, for summaries: duplicate, crash-before-ack, lock-expiry, ... */
export function mechanisms(messages: readonly CertifyMessage[], steps: readonly Step[]): string[] {
  const order = messages.map((m) => m.id);
  const found = new Set<string>();
  const acked = new Set<string>();
  const delivered: string[] = [];
  for (const step of steps) {
    if (step.op !== "deliver") found.add(step.op);
    for (const id of stepIds(step)) {
      if (step.op !== "crash-before-ack" && acked.has(id)) found.add("duplicate");
      if (step.op !== "crash-before-ack") acked.add(id);
      if (!delivered.includes(id)) delivered.push(id);
    }
  }
  const sorted = [...delivered].sort((a, b) => order.indexOf(a) - order.indexOf(b));
  if (delivered.some((id, i) => id !== sorted[i])) found.add("reorder");
  return [...found];
}
