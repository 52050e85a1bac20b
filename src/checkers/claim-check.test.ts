import { describe, expect, it } from "vitest";
import type { SentMessage } from "../core/history.js";
import type { SetupValue } from "../core/setup.js";
import { claimCheckDangling } from "./claim-check-dangling.js";
import { claimCheckHashes } from "./claim-check-hashes.js";
import { claimCheckOrphans } from "./claim-check-orphans.js";
import { claimCheckThreshold } from "./claim-check-threshold.js";
import { compose } from "./compose.js";
import { HistoryBuilder, delivery } from "./history-builder.test-helper.js";

const setup: SetupValue = {
  broker: "memory://",
  entities: [{ kind: "topic", name: "docs", subscriptions: [{ name: "a" }, { name: "b" }] }],
  claimCheck: { thresholdBytes: 1024, cleanupWindowMs: 0, store: "test" },
};
const A = "docs/a";
const B = "docs/b";
const big: SentMessage = { id: "m1", size: 80, claim: { ref: "m1.1", sha256: "aaa", bytes: 4000 } };
const small: SentMessage = { id: "m2", size: 10, claim: { sha256: "bbb", bytes: 10 } };
const checkers = [claimCheckHashes, claimCheckDangling, claimCheckOrphans, claimCheckThreshold];

/** Upload, send, and both subscriptions hydrating and completing m1; then the payload is deleted and the store listed. */
function correct(left: string[] = []): HistoryBuilder {
  const h = new HistoryBuilder(setup);
  h.call("p1", "upload", { id: "m1", ref: "m1.1", sha256: "aaa", bytes: 4000 });
  h.send("p1", "docs", [big, small]);
  for (const [c, entity] of [["c1", A], ["c2", B]] as const) {
    h.receive(c, entity, [delivery("m1", entity, 1, `t-${c}`)]);
    h.call(c, "hydrate", { id: "m1", entity, ref: "m1.1" }, "ok", { id: "m1", entity, ref: "m1.1", found: true, sha256: "aaa", bytes: 4000 });
    h.settle(c, "complete", { id: "m1", entity, lockToken: `t-${c}` });
  }
  h.call("c2", "delete", { ref: "m1.1", id: "m1", reason: "copies-settled" });
  h.drain(A, false, [delivery("m2", A, 1)]).drain(B, false, [delivery("m2", B, 1)]);
  return h.call("cleaner", "store", { cleanupWindowMs: 0 }, "ok", { cleanupWindowMs: 0, payloads: left });
}

describe("claim-check checkers", () => {
  it("stay silent on a correct fan-out history", () => {
    const r = compose(checkers, correct().ops, { setup });
    expect(r.valid).toBe(true);
    expect(r.anomalies).toEqual({});
  });

  it("are not applicable to a history without claims", () => {
    const h = new HistoryBuilder({ broker: "memory://", entities: setup.entities });
    h.send("p1", "docs", ["m1"]);
    for (const c of checkers) expect(c.check(h.ops, { setup: { broker: "memory://", entities: setup.entities } }).notApplicable).toBe(true);
  });

  it("hashes: a reference that hydrates to other bytes is wrong-bytes", () => {
    const h = new HistoryBuilder(setup).send("p1", "docs", [big]);
    h.call("c1", "hydrate", { id: "m1", entity: A, ref: "m1.1" }, "ok", { id: "m1", entity: A, ref: "m1.1", found: true, sha256: "zzz", bytes: 4000 });
    const r = claimCheckHashes.check(h.ops, { setup });
    expect(r.valid).toBe(false);
    expect(r.anomalies["wrong-bytes"]?.[0]?.id).toBe("m1");
  });

  it("hashes: a delivered reference never hydrated leaves the verdict unknown", () => {
    const h = new HistoryBuilder(setup).send("p1", "docs", [big]);
    h.receive("c1", A, [delivery("m1", A, 1, "t")]);
    const r = claimCheckHashes.check(h.ops, { setup });
    expect(r.valid).toBe("unknown");
    expect(r.anomalies["unhydrated"]?.[0]).toMatchObject({ id: "m1", entity: A });
  });

  it("dangling: the second subscription finds the payload gone (deleted on the first read)", () => {
    const h = new HistoryBuilder(setup).send("p1", "docs", [big]);
    h.call("c1", "hydrate", { id: "m1", entity: A, ref: "m1.1" }, "ok", { id: "m1", entity: A, ref: "m1.1", found: true, sha256: "aaa", bytes: 4000 });
    h.call("c1", "delete", { ref: "m1.1", id: "m1", reason: "first-read" });
    h.call("c2", "hydrate", { id: "m1", entity: B, ref: "m1.1" }, "ok", { id: "m1", entity: B, ref: "m1.1", found: false });
    const r = claimCheckDangling.check(h.ops, { setup });
    expect(r.valid).toBe(false);
    expect(r.anomalies["dangling-reference"]?.[0]).toMatchObject({ id: "m1", entity: B });
  });

  it("dangling: a redelivery after the copy was completed and the payload deleted is allowed and counted", () => {
    const h = correct();
    h.call("c1", "hydrate", { id: "m1", entity: A, ref: "m1.1" }, "ok", { id: "m1", entity: A, ref: "m1.1", found: false });
    const r = claimCheckDangling.check(h.ops, { setup });
    expect(r.valid).toBe(true);
    expect(r.counts["redelivered-after-delete"]).toBe(1);
  });

  it("dangling: a drained copy whose payload is gone is dangling", () => {
    const h = new HistoryBuilder(setup).send("p1", "docs", [big]);
    h.drain(A, false, [delivery("m1", A, 1)]);
    h.call("drain", "hydrate", { id: "m1", entity: A, ref: "m1.1" }, "ok", { id: "m1", entity: A, ref: "m1.1", found: false });
    expect(claimCheckDangling.check(h.ops, { setup }).valid).toBe(false);
  });

  it("orphans: a payload no send references (producer crashed after the upload) is an orphan", () => {
    const h = correct(["m1.0"]);
    const r = claimCheckOrphans.check(h.ops, { setup });
    expect(r.valid).toBe(false);
    expect(r.anomalies["orphan-payload"]?.[0]?.explanation).toMatch(/no sent message references it/);
  });

  it("orphans: a payload kept after every copy was settled is an orphan; one a copy still owes is not", () => {
    expect(claimCheckOrphans.check(correct(["m1.1"]).ops, { setup }).valid).toBe(false);
    const h = new HistoryBuilder(setup).send("p1", "docs", [big]);
    h.receive("c1", A, [delivery("m1", A, 1, "t")]).settle("c1", "complete", { id: "m1", entity: A, lockToken: "t" });
    h.call("cleaner", "store", { cleanupWindowMs: 0 }, "ok", { cleanupWindowMs: 0, payloads: ["m1.1"] });
    const r = claimCheckOrphans.check(h.ops, { setup });
    expect(r.valid).toBe(true);
    expect(r.counts["kept-for-an-owed-copy"]).toBe(1);
  });

  it("orphans: unknown when the store was never listed", () => {
    const h = new HistoryBuilder(setup).send("p1", "docs", [big]);
    expect(claimCheckOrphans.check(h.ops, { setup }).valid).toBe("unknown");
  });

  it("threshold: a payload over the threshold sent inline is reported", () => {
    const h = new HistoryBuilder(setup).send("p1", "docs", [{ id: "m3", size: 5000, claim: { sha256: "ccc", bytes: 5000 } }, small]);
    const r = claimCheckThreshold.check(h.ops, { setup });
    expect(r.valid).toBe(false);
    expect(r.anomalies["inline-over-threshold"]?.map((e) => e.id)).toEqual(["m3"]);
  });
});
