import { describe, expect, it } from "vitest";
import type { Op } from "../core/history.js";
import type { SetupValue } from "../core/setup.js";
import { keyExclusive } from "./key-exclusive.js";

const MS = 1_000_000;
const setup = (extra: Partial<SetupValue> = {}): SetupValue => ({ broker: "memory://", entities: [{ kind: "queue", name: "q", lockDurationMs: 100 }], locksReleasedOnCrash: false, claims: { orderedPerKey: true }, ...extra });
let index = 0;
const op = (process: string, type: Op["type"], f: string, value: unknown, ms: number): Op => ({ index: index++, time: ms * MS, process, type, f, value });
const delivery = (id: string, token: string, untilMs: number) => ({ id, entity: "q", key: "k", lockToken: token, lockedUntil: untilMs * MS });

/** c1 takes m1 at 10 ms (lock to 110 ms); c2 is given m2 of the same key at `atMs`, after `between` happened. */
function history(atMs: number, between: Op[] = []): Op[] {
  index = 0;
  return [
    op("p1", "invoke", "send", { target: "q", messages: [{ id: "m1", key: "k" }, { id: "m2", key: "k" }] }, 0),
    op("p1", "ok", "send", { target: "q", messages: [{ id: "m1", key: "k" }, { id: "m2", key: "k" }] }, 1),
    op("c1", "invoke", "receive", { source: "q" }, 5),
    op("c1", "ok", "receive", { source: "q", deliveries: [delivery("m1", "t1", 110)] }, 10),
    ...between,
    op("c2", "invoke", "receive", { source: "q" }, atMs - 1),
    op("c2", "ok", "receive", { source: "q", deliveries: [delivery("m2", "t2", atMs + 100)] }, atMs),
  ];
}

describe("key-exclusive", () => {
  it("flags a key handed to a second client while the first holds a live lock", () => {
    const r = keyExclusive.check(history(50), { setup: setup() });
    expect(r.valid).toBe(false);
    expect(r.anomalies["key-shared"]?.[0]).toMatchObject({ id: "m2", holder: "c1", key: "k" });
  });

  it("accepts it once the holder settled, its lock expired, or the broker released it on a crash", () => {
    expect(keyExclusive.check(history(50, [op("c1", "invoke", "settle", { lockToken: "t1", outcome: "complete" }, 40)]), { setup: setup() }).valid).toBe(true);
    expect(keyExclusive.check(history(120), { setup: setup() }).valid).toBe(true);
    const crash = [op("c1", "invoke", "crash", {}, 20)];
    expect(keyExclusive.check(history(50, crash), { setup: setup({ locksReleasedOnCrash: true }) }).valid).toBe(true);
    expect(keyExclusive.check(history(50, crash), { setup: setup() }).valid).toBe(false);
  });

  // The shape of a Service Bus emulator history (order-per-key@notifications.email, seed 1): c1
  // holds m1 of session k1 (a 1 s session lock), crashes; its client's close detaches the session
  // link, the emulator frees session k1 (m1's delivery counted), and c1's restart c1.1 accepts k1
  // and is given m2 while m1's lockedUntil is still ahead. Not a shared key: the lock died with c1.
  it("ends a crashed holder's session lock where the broker frees sessions with their link, and only on session entities", () => {
    const session = (extra: Partial<SetupValue> = {}) =>
      setup({ entities: [{ kind: "topic", name: "t", subscriptions: [{ name: "s", lockDurationMs: 1000, orderedKeys: true }] }, { kind: "queue", name: "q", lockDurationMs: 1000 }], claims: {}, ...extra });
    const crashThenRestart = (entity: string): Op[] => {
      index = 0;
      const d = (id: string, token: string, count: number, untilMs: number) => ({ id, entity, key: "k1", lockToken: token, deliveryCount: count, lockedUntil: untilMs * MS });
      return [
        op("p1", "invoke", "send", { target: "t", messages: [{ id: "m1", key: "k1" }, { id: "m2", key: "k1" }] }, 0),
        op("p1", "ok", "send", { target: "t", messages: [{ id: "m1", key: "k1" }, { id: "m2", key: "k1" }] }, 7),
        op("c1", "invoke", "receive", { source: entity }, 5),
        op("c1", "ok", "receive", { source: entity, deliveries: [d("m1", "t1", 1, 1013)] }, 14),
        op("c1", "invoke", "settle", { outcome: "abandon", id: "m1", entity, lockToken: "t1" }, 18),
        op("c1", "ok", "settle", { outcome: "abandon", id: "m1", entity, lockToken: "t1" }, 18.5),
        op("c1", "invoke", "receive", { source: entity }, 18.8),
        op("c1", "ok", "receive", { source: entity, deliveries: [d("m1", "t2", 2, 1013)] }, 19),
        op("c1", "invoke", "crash", { reason: "client crash before settling" }, 227),
        op("c1", "info", "crash", { reason: "client crash before settling" }, 228),
        op("c1.1", "invoke", "receive", { source: entity }, 340),
        op("c1.1", "ok", "receive", { source: entity, deliveries: [d("m2", "t3", 1, 1346)] }, 346),
        op("c1.1", "invoke", "settle", { outcome: "complete", id: "m2", entity, lockToken: "t3" }, 346.6),
        op("c1.1", "ok", "settle", { outcome: "complete", id: "m2", entity, lockToken: "t3" }, 346.9),
      ];
    };
    // A session entity on a broker that frees sessions on close: valid.
    expect(keyExclusive.check(crashThenRestart("t/s"), { setup: session({ sessionLocksReleasedOnCrash: true }) })).toMatchObject({ valid: true, counts: {} });
    // The same history where the broker keeps a crashed client's session (or without the setup field): caught.
    const kept = keyExclusive.check(crashThenRestart("t/s"), { setup: session() });
    expect(kept.valid).toBe(false);
    expect(kept.anomalies["key-shared"]?.[0]).toMatchObject({ id: "m2", holder: "c1", key: "k1", indexes: [7, 11] });
    // A non-session entity keeps its message locks past a crash even there: the overlap is counted (n/a: nothing promised it).
    expect(keyExclusive.check(crashThenRestart("q"), { setup: session({ sessionLocksReleasedOnCrash: true }) })).toMatchObject({ notApplicable: true, counts: { "key-shared": 1 } });
    // The catch still holds on a session entity when the second client is given the key before the holder crashed.
    const before = crashThenRestart("t/s");
    const crashOps = before.splice(8, 2);
    before.push(...crashOps.map((o, i) => ({ ...o, time: (400 + i) * MS })));
    expect(keyExclusive.check(before, { setup: session({ sessionLocksReleasedOnCrash: true }) }).valid).toBe(false);
  });

  it("only counts overlaps when neither the claim nor the entity promises exclusivity", () => {
    const r = keyExclusive.check(history(50), { setup: setup({ claims: {} }) });
    expect(r).toMatchObject({ valid: true, notApplicable: true, counts: { "key-shared": 1 } });
  });
});
