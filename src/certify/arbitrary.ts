import fc from "fast-check";
import type { DeliveryStep } from "./delivery-plan.js";
import { type Step, normalizeSchedule } from "./schedule.js";
import type { CertifyMessage, Json, Semantics } from "./types.js";

/** Most microtask turns between the starts of two concurrent deliveries. */
export const MAX_TICKS = 12;
/** Most messages and steps a generated scenario has (small, so failures read easily). */
export const MAX_MESSAGES = 5;
export const MAX_STEPS = 12;

/** One generated certify case: messages in send order plus a schedule or a fault plan. */
export interface CertifyCase {
  messages: CertifyMessage[];
  schedule?: Step[];
  faults?: DeliveryStep[];
}

/** The default message body: a small amount, enough for counters and balances. */
export const defaultBody: fc.Arbitrary<Json> = fc.record({ amount: fc.integer({ min: 1, max: 9 }) });

/** Messages m1..mN in send order, keys from k1..k3 (shrinking towards one message on k1). */
export function messagesArbitrary(body: fc.Arbitrary<Json> = defaultBody): fc.Arbitrary<CertifyMessage[]> {
  return fc
    .array(fc.record({ key: fc.nat({ max: 2 }), body }), { minLength: 1, maxLength: MAX_MESSAGES })
    .map((list) => list.map((m, i) => ({ id: `m${i + 1}`, key: `k${m.key + 1}`, body: m.body })));
}

const index = fc.nat({ max: MAX_MESSAGES - 1 });
const afterTicks = fc.nat({ max: MAX_TICKS });
/** Ops from simplest to most involved: a failing case shrinks towards the simplest mechanism that still breaks the handler. */
const STEP_KINDS = ["deliver", "transient-failure", "crash-before-ack", "restart", "lock-expiry", "parallel"] as const;
const rawStep = fc.record({ kind: fc.nat({ max: STEP_KINDS.length - 1 }), m: index, other: index, afterTicks });
type RawStep = typeof rawStep extends fc.Arbitrary<infer T> ? T : never;

function toStep(raw: RawStep, messages: readonly CertifyMessage[]): Step {
  const id = (i: number) => messages[i % messages.length]!.id;
  const op = STEP_KINDS[raw.kind]!;
  switch (op) {
    case "restart":
      return { op };
    case "lock-expiry":
      return { op, id: id(raw.m), afterTicks: raw.afterTicks };
    case "parallel":
      return { op, ids: [id(raw.m), id(raw.m + 1 + raw.other)], afterTicks: raw.afterTicks };
    default:
      return { op, id: id(raw.m) };
  }
}

/** Messages plus an in-process schedule allowed under `semantics` (at-least-once, every message acked). */
export function scheduleCaseArbitrary(semantics: Semantics, body?: fc.Arbitrary<Json>): fc.Arbitrary<CertifyCase> {
  return fc.tuple(messagesArbitrary(body), fc.array(rawStep, { maxLength: MAX_STEPS })).map(([messages, raw]) => ({
    messages,
    schedule: normalizeSchedule(messages, raw.map((r) => toStep(r, messages)), semantics),
  }));
}

const FAULT_KINDS = ["deliver", "crash-before-ack", "duplicate", "restart", "lock-expiry", "parallel"] as const;
const rawFault = fc.record({ kind: fc.nat({ max: FAULT_KINDS.length - 1 }), m: index, afterTicks });
type RawFault = typeof rawFault extends fc.Arbitrary<infer T> ? T : never;

function toFault(raw: RawFault, messages: readonly CertifyMessage[]): DeliveryStep {
  const op = FAULT_KINDS[raw.kind]!;
  if (op === "duplicate") return { op, id: messages[raw.m % messages.length]!.id };
  if (op === "lock-expiry" || op === "parallel") return { op, afterTicks: raw.afterTicks };
  return { op };
}

/** Messages plus a fault plan for deliveries through a broker. */
export function faultCaseArbitrary(body?: fc.Arbitrary<Json>): fc.Arbitrary<CertifyCase> {
  return fc.tuple(messagesArbitrary(body), fc.array(rawFault, { maxLength: MAX_STEPS })).map(([messages, raw]) => ({
    messages,
    faults: raw.map((f) => toFault(f, messages)),
  }));
}
