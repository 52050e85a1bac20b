import fc from "fast-check";
import type { OutboxOrder } from "./contract.js";

/** Where a relay crashes: at its `at`-th publish, after the broker stored the event or before it did (no ack). */
export interface RelayCrash {
  at: number;
  kind: "after-publish" | "before-ack";
}

/**
 * One step of an outbox case:
 * - `write`: place the next order (its transaction commits, or is rolled back when `rollback`).
 * - `relay`: one relay pass, crashing as `crash` says.
 * - `two-relays`: two relay passes at once on two connections (the first may crash).
 * After the steps every order not yet placed is placed, and the relay runs (without crashes) until
 * a pass publishes nothing: the drain.
 */
export type OutboxStep = { op: "write"; rollback: boolean } | { op: "relay"; crash?: RelayCrash } | { op: "two-relays"; crash?: RelayCrash };

/** Orders and steps of one generated case. */
export interface OutboxCase {
  orders: OutboxOrder[];
  steps: OutboxStep[];
}

const crash: fc.Arbitrary<RelayCrash | undefined> = fc.option(fc.record({ at: fc.integer({ min: 1, max: 2 }), kind: fc.constantFrom("after-publish" as const, "before-ack" as const) }), { nil: undefined });

const step: fc.Arbitrary<OutboxStep> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant("write" as const), rollback: fc.nat({ max: 3 }).map((n) => n === 3) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("relay" as const), crash }).map((s): OutboxStep => (s.crash ? s : { op: s.op })) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("two-relays" as const), crash }).map((s): OutboxStep => (s.crash ? s : { op: s.op })) },
);

/** Orders o1..oN on aggregates a1, a2 and up to 8 steps (shrinking towards one order and no step). */
export const outboxCaseArbitrary: fc.Arbitrary<OutboxCase> = fc
  .tuple(fc.array(fc.record({ aggregate: fc.nat({ max: 1 }), amount: fc.integer({ min: 1, max: 9 }) }), { minLength: 1, maxLength: 4 }), fc.array(step, { maxLength: 8 }))
  .map(([orders, steps]) => ({ orders: orders.map((o, i) => ({ id: `o${i + 1}`, aggregate: `a${o.aggregate + 1}`, amount: o.amount })), steps }));

/** One line per step, for the counterexample. */
export function describeStep(s: OutboxStep): string {
  const c = "crash" in s && s.crash ? ` (crashes at publish ${s.crash.at}, ${s.crash.kind === "after-publish" ? "after the broker stored it, before marking" : "before the broker acked it"})` : "";
  return s.op === "write" ? `write the next order${s.rollback ? " (its transaction is rolled back)" : ""}` : `${s.op === "relay" ? "one relay pass" : "two relay passes at once"}${c}`;
}
