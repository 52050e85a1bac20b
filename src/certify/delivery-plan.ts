import type { CertifyMessage } from "./types.js";

/**
 * One step of a delivery plan for `certify --broker` (a delivery step: what happens to the next
 * delivery — not a network or process fault, which are core's FaultStep): the broker picks which message comes next
 * (its own order, locks and redeliveries); the plan says what goes wrong with that delivery.
 * - `deliver`: receive the next message, handle it, complete it.
 * - `crash-before-ack`: receive, handle, then the consumer crashes without completing: the handler
 *   restarts and the broker redelivers the message once its lock expires.
 * - `lock-expiry`: receive, and `afterTicks` microtask turns into handle() the lock expires; a
 *   competing consumer receives the redelivery and handles it concurrently; the first complete is rejected.
 * - `parallel`: two consumers receive one message each and handle them concurrently.
 * - `duplicate`: the producer sends `id` again (a retry the queue does not deduplicate).
 * - `restart`: the consumer process restarts.
 * After the plan, every message left in the queue is received and completed (the drain).
 */
export type DeliveryStep =
  | { op: "deliver" }
  | { op: "crash-before-ack" }
  | { op: "lock-expiry"; afterTicks: number }
  | { op: "parallel"; afterTicks: number }
  | { op: "duplicate"; id: string }
  | { op: "restart" };

/** Delivery step ops, for validation messages. */
export const DELIVERY_STEP_OPS = ["deliver", "crash-before-ack", "lock-expiry", "parallel", "duplicate", "restart"] as const;

/** Problems that make a (hand-edited) plan unusable; empty when it is fine. */
export function deliveryPlanViolations(messages: readonly CertifyMessage[], plan: readonly DeliveryStep[]): string[] {
  const ids = new Set(messages.map((m) => m.id));
  return plan.flatMap((step, i) => (step.op === "duplicate" && !ids.has(step.id) ? [`step ${i + 1}: unknown message id "${step.id}"`] : []));
}

/** The mechanisms a plan exercises, for summaries. */
export function deliveryPlanMechanisms(plan: readonly DeliveryStep[]): string[] {
  return [...new Set(plan.filter((s) => s.op !== "deliver").map((s) => s.op))];
}
