import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fastOpLine, fastValue } from "./fast-shape.js";
import { opSchema, valueSchemas } from "./schema.js";

/** Field values that are mostly right, sometimes wrong in the ways a hand-written history is. */
const loose = fc.oneof(fc.string({ maxLength: 3 }), fc.constantFrom("", "7", "x1", "peek-lock", "complete", "ok", "q"), fc.integer({ min: -2, max: 3 }), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.constant([]));
const maybe = <T>(a: fc.Arbitrary<T>) => fc.oneof(a, loose);
const delivery = fc.record({ id: maybe(fc.constant("m1")), entity: maybe(fc.constant("q")), deliveryCount: maybe(fc.constant(1)), lockToken: maybe(fc.constant("t")), lockedUntil: maybe(fc.constant(5)), offset: maybe(fc.constant("12")), partition: maybe(fc.constant(0)), dlq: maybe(fc.constant(true)) }, { requiredKeys: ["id", "entity"] });
const values: Record<string, fc.Arbitrary<unknown>> = {
  send: fc.record({ target: maybe(fc.constant("q")), messages: fc.oneof(fc.array(fc.record({ id: maybe(fc.constant("m1")), key: maybe(fc.constant("k")), size: maybe(fc.constant(3)), offset: maybe(fc.constant("4")) }, { requiredKeys: ["id"] }), { maxLength: 2 }), loose), retry: maybe(fc.constant(true)) }, { requiredKeys: [] }),
  receive: fc.record({ source: maybe(fc.constant("q")), mode: maybe(fc.constant("peek-lock")), deliveries: fc.oneof(fc.array(delivery, { maxLength: 2 }), loose) }, { requiredKeys: [] }),
  settle: fc.record({ outcome: maybe(fc.constant("complete")), id: maybe(fc.constant("m1")), entity: maybe(fc.constant("q")), lockToken: maybe(fc.constant("t")) }, { requiredKeys: [] }),
  renew: fc.record({ id: maybe(fc.constant("m1")), entity: maybe(fc.constant("q")), lockedUntil: maybe(fc.constant(9)) }, { requiredKeys: [] }),
};
values.drain = values.receive!;
const line = fc.record({ index: maybe(fc.constant(0)), time: maybe(fc.constant(0)), process: maybe(fc.constant("c1")), type: maybe(fc.constant("ok")), f: maybe(fc.constant("send")), error: maybe(fc.constant("e")), extra: loose }, { requiredKeys: [] });

describe("fast shape tests accept nothing the schema refuses", () => {
  it("op lines", () => {
    let fast = 0;
    fc.assert(fc.property(line, (raw) => {
      if (!fastOpLine(raw)) return;
      fast += 1;
      expect(opSchema.safeParse(raw).success).toBe(true);
      expect(opSchema.parse(raw)).toEqual(raw); // nothing stripped
    }), { numRuns: 2000 });
    expect(fast).toBeGreaterThan(0);
  });

  it("values of send, receive, drain, settle and renew", () => {
    for (const [f, arb] of Object.entries(values)) {
      let fast = 0;
      fc.assert(fc.property(arb, (v) => {
        if (!fastValue(f, v)) return;
        fast += 1;
        expect(valueSchemas[f as keyof typeof valueSchemas].safeParse(v).success).toBe(true);
      }), { numRuns: 1000 });
      expect([f, fast > 0]).toEqual([f, true]);
    }
  });
});
