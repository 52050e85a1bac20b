import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { usePrivateRabbitMq } from "./broker-gate.js";
import { gauntlet, tempDir } from "./cli-helpers.js";

interface Op {
  type: string;
  f: string;
  process: string;
  value?: Record<string, unknown>;
}

/** The run's history (one report directory under `root`). */
function history(root: string): Op[] {
  const [dir] = readdirSync(root);
  return readFileSync(join(root, dir!, "history.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as Op);
}

/** gauntlet with TMPDIR pointing at a fresh directory, so whatever it leaves behind shows. */
function run(args: string[]) {
  const tmp = tempDir();
  const out = tempDir();
  const r = gauntlet([...args, "--out", out], undefined, { TMPDIR: tmp });
  return { r, tmp, out };
}

const REPRO = "fixtures/claim-check/repro";

// Issue 16: the claim-check suite on every broker, with a real blob store.
describe("gauntlet run claim-check on memory://", () => {
  it("is valid on a private Azurite: references hydrate to the exact bytes, the store ends empty, nothing is left behind", () => {
    const { r, tmp, out } = run(["run", "claim-check", "--broker", "memory://", "--seed", "7", "--runs", "8"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const ops = history(out);
    const setup = ops.find((o) => o.f === "setup" && o.type === "ok")!;
    expect(setup.value?.claimCheck).toMatchObject({ thresholdBytes: 1024, store: expect.stringMatching(/Azurite/) });
    // Payloads went out of band with only a reference on the broker, and came back with the same hash.
    const sent = ops.filter((o) => o.f === "send" && o.type === "ok").flatMap((o) => o.value!.messages as { size: number; claim: { ref?: string; sha256: string; bytes: number } }[]);
    const refs = sent.filter((m) => m.claim.ref);
    expect(refs.length).toBeGreaterThan(0);
    for (const m of refs) expect(m.size).toBeLessThan(m.claim.bytes);
    const hydrated = ops.filter((o) => o.f === "hydrate" && o.type === "ok" && o.value!.found === true);
    expect(hydrated.length).toBeGreaterThan(0);
    for (const h of hydrated) expect(refs.find((m) => m.claim.ref === h.value!.ref)?.claim.sha256).toBe(h.value!.sha256);
    expect(ops.findLast((o) => o.f === "store" && o.type === "ok")?.value?.payloads).toEqual([]);
    expect(readdirSync(tmp)).toEqual([]);
  }, 120_000);

  it.each([
    ["delete-on-first-read-under-fan-out.json", "dangling-reference"],
    ["no-sweep-after-producer-crash.json", "orphan-payload"],
  ])("detects the broken variant %s (exit 1, %s)", (file, anomaly) => {
    const { r, tmp } = run(["replay", join(REPRO, file), "--store", "file"]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toContain(`${anomaly}=`);
    expect(readdirSync(tmp)).toEqual([]);
  }, 60_000);

  it("refuses an unknown --store with the fix (exit 3)", () => {
    const { r } = run(["run", "claim-check", "--store", "s3://bucket"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/--store \(test\.store\): unknown store "s3:\/\/bucket"/);
    expect(r.stderr).toMatch(/fix: use azurite/);
  });
});

describe("gauntlet run claim-check on a private RabbitMQ", () => {
  const node = usePrivateRabbitMq();
  if (!node) return;

  it("is valid with Azurite (the suite's property runs)", () => {
    const { r, tmp, out } = run(["run", "claim-check", "--broker", node.url, "--seed", "3", "--runs", "4"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(history(out).filter((o) => o.f === "hydrate" && o.type === "ok" && o.value!.found === true).length).toBeGreaterThan(0);
    expect(readdirSync(tmp)).toEqual([]);
  }, 120_000);

  it("stays valid through a store outage, store latency, a producer crash after upload, consumer crashes after hydration and a redelivery after deletion, fanning out to three subscriptions", () => {
    const { r, tmp, out } = run(["replay", join(REPRO, "fan-out-with-faults.json"), "--broker", node.url]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const ops = history(out);
    const hydrated = ops.filter((o) => o.f === "hydrate" && o.type === "ok" && o.value!.found === true);
    expect(new Set(hydrated.map((o) => o.value!.entity))).toEqual(new Set(["documents/archive", "documents/index", "documents/thumbnails"]));
    // The outage was real: some store call failed while the proxy was cut, and was retried.
    expect(ops.some((o) => ["upload", "hydrate"].includes(o.f) && (o.type === "fail" || o.type === "info"))).toBe(true);
    expect(ops.filter((o) => o.f === "fault" && o.value!.target === "store").length).toBeGreaterThan(0);
    // m1 was sent again after its payload was deleted: each subscription's late copy found nothing, allowed.
    const late = ops.filter((o) => o.f === "hydrate" && o.type === "ok" && o.value!.found === false);
    expect(late.map((o) => o.value!.id)).toContain("m1");
    const results = JSON.parse(readFileSync(join(out, readdirSync(out)[0]!, "results.json"), "utf8"));
    expect(results.suites[0].results["claim-check-dangling"].counts["redelivered-after-delete"]).toBeGreaterThan(0);
    // m3's first upload was orphaned by its producer's crash and swept.
    expect(ops.some((o) => o.f === "delete" && o.type === "ok" && o.value!.reason === "sweep" && o.value!.ref === "m3.1")).toBe(true);
    expect(readdirSync(tmp)).toEqual([]);
  }, 120_000);

  it("detects deleting the payload on its first read under fan-out (exit 1)", () => {
    const { r } = run(["replay", join(REPRO, "delete-on-first-read-under-fan-out.json"), "--broker", node.url]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toContain("dangling-reference=");
  }, 120_000);
});
