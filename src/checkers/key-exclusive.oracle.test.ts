import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Op } from "../core/history.js";
import type { SetupValue } from "../core/setup.js";
import { keyExclusive } from "./key-exclusive.js";
import { keyExclusiveOracle } from "./key-exclusive.oracle.test-helper.js";

/**
 * Random op streams over 3 clients, 2 keys and a few lock tokens: receives, settles, renews,
 * crashes, and sends at any point that (re)key an id — a delivery without a key of its own takes
 * the key of its id's latest send invoked before it, also when an index of them is built lazily.
 */
const step = fc.record({
  f: fc.constantFrom("receive", "receive", "settle", "renew", "crash", "send"),
  process: fc.constantFrom("c1", "c2", "c3"),
  id: fc.integer({ min: 1, max: 6 }),
  key: fc.constantFrom("k1", "k2", undefined),
  token: fc.integer({ min: 1, max: 8 }),
  until: fc.integer({ min: 0, max: 60 }),
  gap: fc.integer({ min: 0, max: 5 }),
});

type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;

function history(steps: Step[]): Op[] {
  const ops: Op[] = [];
  let time = 0;
  const push = (process: string, type: Op["type"], f: string, value: unknown) => ops.push({ index: ops.length, time, process, type, f, value });
  push("p1", "invoke", "send", { target: "q", messages: [1, 2, 3, 4, 5, 6].map((n) => ({ id: `m${n}`, key: n % 2 ? "k1" : "k2" })) });
  for (const s of steps) {
    time += s.gap;
    const token = `t${s.token}`;
    if (s.f === "receive") push(s.process, "ok", "receive", { source: "q", deliveries: [{ id: `m${s.id}`, entity: "q", ...(s.key ? { key: s.key } : {}), lockToken: token, lockedUntil: time + s.until }] });
    else if (s.f === "settle") push(s.process, "invoke", "settle", { outcome: "complete", id: `m${s.id}`, entity: "q", lockToken: token });
    else if (s.f === "renew") push(s.process, "ok", "renew", { id: `m${s.id}`, entity: "q", lockToken: token, lockedUntil: time + s.until });
    else if (s.f === "send") push("p1", "invoke", "send", { target: "q", messages: [{ id: `m${s.id}`, ...(s.key ? { key: s.key === "k1" ? "k2" : "k1" } : {}) }] });
    else push(s.process, "invoke", "crash", {});
  }
  return ops;
}

describe("key-exclusive (in-place filtering) agrees with its previous implementation", () => {
  it("same result on random histories", () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), fc.boolean(), fc.boolean(), fc.boolean(), fc.boolean(), (steps, released, sessionReleased, orderedKeys, ordered) => {
        const setup: SetupValue = {
          broker: "memory://",
          entities: [{ kind: "queue", name: "q", orderedKeys }],
          locksReleasedOnCrash: released,
          sessionLocksReleasedOnCrash: sessionReleased,
          claims: { orderedPerKey: ordered },
        };
        const ops = history(steps);
        expect(keyExclusive.check(ops, { setup })).toEqual(keyExclusiveOracle.check(ops, { setup }));
      }),
      { numRuns: 500 },
    );
  });
});
