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

  it("only counts overlaps when neither the claim nor the entity promises exclusivity", () => {
    const r = keyExclusive.check(history(50), { setup: setup({ claims: {} }) });
    expect(r).toMatchObject({ valid: true, notApplicable: true, counts: { "key-shared": 1 } });
  });
});
