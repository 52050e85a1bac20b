import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Delivery, Op, ReceiveValue, SendValue, SettleValue } from "../core/history.js";
import { compose } from "./compose.js";
import { type SimCommand, type SimOptions, simulateFifo } from "./fifo-sim.test-helper.js";
import { CHECKERS } from "./registry.js";
import { atLeastOnce } from "./at-least-once.js";
import { duplicates } from "./duplicates.js";
import { orderingPerKey } from "./ordering-per-key.js";

const all = Object.values(CHECKERS);
const key = fc.constantFrom<string | null>("k1", "k2", null);
const command: fc.Arbitrary<SimCommand> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("send" as const), keys: fc.array(key, { minLength: 1, maxLength: 3 }), outcome: fc.constantFrom("ok", "ok", "ok", "ok", "fail", "info-stored", "info-lost") }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("receive" as const), source: fc.nat(3), max: fc.integer({ min: 1, max: 3 }), mode: fc.constantFrom("peek-lock", "peek-lock", "peek-lock", "receive-and-delete") }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("settle" as const), pick: fc.nat(5), outcome: fc.constantFrom("complete", "complete", "abandon", "dead-letter") }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("renew" as const), pick: fc.nat(5) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("wait" as const), ms: fc.constantFrom(0.3, 0.6, 1.2) }) },
);
const commands = fc.array(command, { minLength: 1, maxLength: 40 });
const options: fc.Arbitrary<SimOptions> = fc.record({
  lockDurationMs: fc.constantFrom(0.5, 1, 2),
  maxDeliveryCount: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
  subscriptions: fc.option(fc.constant(["a", "b"]), { nil: undefined }),
  claims: fc.constant({ orderedPerKey: true }),
});
/** Runs with at least one acknowledged send and some consumer activity. */
const run = fc.tuple(commands, options).map(([cs, o]) => ({ ops: simulateFifo([{ kind: "send", keys: ["k1", "k1"], outcome: "ok" }, ...cs], o), options: o }));

const reads = (ops: Op[]) => ops.filter((o) => (o.f === "receive" || o.f === "drain") && o.type !== "invoke" && (o.value as ReceiveValue).deliveries);
const deliveriesOf = (o: Op) => (o.value as ReceiveValue).deliveries!;

describe("checkers on histories of a correct FIFO broker", () => {
  it("every checker says valid", () => {
    fc.assert(
      fc.property(run, ({ ops }) => {
        const r = compose(all, ops, {});
        for (const [name, res] of Object.entries(r.results)) expect([name, res.valid, res.anomalies]).toEqual([name, true, {}]);
      }),
      { numRuns: 300 },
    );
  });

  it("dropping every delivery of an acked message is reported lost", () => {
    fc.assert(
      fc.property(run, fc.nat(), ({ ops }, pick) => {
        const acked = ops.filter((o) => o.f === "send" && o.type === "ok").flatMap((o) => (o.value as SendValue).messages.map((m) => m.id));
        const id = acked[pick % acked.length]!;
        const mutated = structuredClone(ops);
        for (const o of reads(mutated)) (o.value as ReceiveValue).deliveries = deliveriesOf(o).filter((d) => d.id !== id);
        const r = atLeastOnce.check(mutated, { setup: mutated[1]!.value as never });
        expect(r.valid).toBe(false);
        expect(r.anomalies.lost?.map((e) => e.id)).toContain(id);
      }),
      { numRuns: 200 },
    );
  });

  it("a delivery after an acknowledged complete is a duplicate-redelivery", () => {
    fc.assert(
      fc.property(run, fc.nat(), ({ ops }, pick) => {
        const completes = ops.filter((o) => o.f === "settle" && o.type === "ok" && (o.value as SettleValue).outcome === "complete");
        fc.pre(completes.length > 0);
        const s = completes[pick % completes.length]!.value as SettleValue;
        const original = reads(ops).flatMap(deliveriesOf).find((d) => d.lockToken === s.lockToken && d.entity === s.entity)!;
        const mutated = structuredClone(ops);
        const t = mutated[mutated.length - 1]!.time + 100_000;
        const again: Delivery = { ...original, deliveryCount: (original.deliveryCount ?? 0) + 1, lockToken: "again", lockedUntil: t + 2_000_000 };
        const value = { source: original.entity, mode: "peek-lock" };
        mutated.push({ index: mutated.length, time: t, process: "late", type: "invoke", f: "receive", value });
        mutated.push({ index: mutated.length, time: t + 50_000, process: "late", type: "ok", f: "receive", value: { ...value, deliveries: [again] } });
        const r = duplicates.check(mutated, { setup: mutated[1]!.value as never });
        expect(r.valid).toBe(false);
        expect(r.anomalies["duplicate-redelivery"]?.map((e) => e.id)).toContain(original.id);
      }),
      { numRuns: 200 },
    );
  });

  it("swapping two keyed first deliveries is an order-violation", () => {
    fc.assert(
      fc.property(run, ({ ops }) => {
        const pair = orderedPair(ops);
        fc.pre(pair !== undefined);
        const [a, b] = pair!;
        const mutated = structuredClone(ops);
        const da = deliveriesOf(mutated[a.op]!);
        const db = deliveriesOf(mutated[b.op]!);
        [da[a.at], db[b.at]] = [db[b.at]!, da[a.at]!];
        const r = orderingPerKey.check(mutated, { setup: mutated[1]!.value as never });
        expect(r.valid).toBe(false);
        expect(r.anomalies["order-violation"]!.length).toBeGreaterThan(0);
      }),
      { numRuns: 200 },
    );
  });
});

interface Slot { op: number; at: number; id: string; entity: string; key: string }

/** Two first deliveries of one entity and key whose sends were ordered (the first acked before the second was sent). */
function orderedPair(ops: Op[]): [Slot, Slot] | undefined {
  const okDone = new Map<string, number>();
  const start = new Map<string, number>();
  const open = new Map<string, Op>();
  for (const o of ops) {
    if (o.f !== "send") continue;
    if (o.type === "invoke") open.set(o.process, o);
    else {
      for (const m of (o.value as SendValue).messages) {
        if (o.type !== "fail" && !start.has(m.id)) start.set(m.id, open.get(o.process)!.time);
        if (o.type === "ok" && !okDone.has(m.id)) okDone.set(m.id, o.time);
      }
    }
  }
  const firsts: Slot[] = [];
  const seen = new Set<string>();
  for (const o of reads(ops)) {
    deliveriesOf(o).forEach((d, at) => {
      const k = `${d.entity}/${d.id}`;
      if (d.dlq || seen.has(k)) return;
      seen.add(k);
      if (d.key !== undefined) firsts.push({ op: o.index, at, id: d.id, entity: d.entity, key: d.key });
    });
  }
  for (let i = 0; i < firsts.length; i++)
    for (let j = i + 1; j < firsts.length; j++) {
      const [a, b] = [firsts[i]!, firsts[j]!];
      if (a.entity === b.entity && a.key === b.key && (okDone.get(a.id) ?? Infinity) < start.get(b.id)!) return [a, b];
    }
  return undefined;
}
