import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type DeliveryMode, certifyHandler } from "./certify.js";
import { LoadedHandler } from "./handler.js";
import { replayCertify } from "./replay.js";
import type { CertifyRepro } from "./repro.js";

const FIXTURES = new URL("../../fixtures/handlers/", import.meta.url).pathname;
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function load(name: string): Promise<LoadedHandler> {
  const storeDir = mkdtempSync(join(tmpdir(), "gauntlet-certify-test-"));
  dirs.push(storeDir);
  return LoadedHandler.load(join(FIXTURES, name), { storeDir });
}

const MODES: DeliveryMode[] = ["in-process", "memory"];

describe.each(MODES)("certify with deliveries %s", (mode) => {
  it.each(["idempotent-ledger.ts", "idempotent-sqlite.mjs"])("certifies %s over 200 seeded runs", async (name) => {
    const run = await certifyHandler(await load(name), { runs: 200, seed: 2024, semantics: "per-key-order", mode });
    expect(run.certified).toBe(true);
    expect(run.runs).toBe(200);
    expect(run.counterexample).toBeUndefined();
  });

  it.each([
    ["plain-counter.ts", ["duplicate", "crash-before-ack", "lock-expiry"]],
    ["memory-dedupe.ts", ["crash-before-ack", "restart"]],
    ["check-then-act.ts", ["lock-expiry"]],
    ["redelivered-flag.js", ["duplicate"]],
  ])("rejects %s with a minimal counterexample that names the mechanism", async (name, expected) => {
    for (const seed of [1, 2, 3]) {
      const run = await certifyHandler(await load(name), { runs: 300, seed, semantics: "per-key-order", mode });
      expect(run.certified, `seed ${seed}`).toBe(false);
      const f = run.failure!;
      expect(f.equal).toBe(false);
      expect(f.diff.length).toBeGreaterThan(0);
      expect(f.deliveries, f.trace.join("\n")).toBeLessThanOrEqual(3);
      expect(run.counterexample!.messages.length).toBeLessThanOrEqual(2);
      expect(f.mechanisms.some((m) => expected.includes(m)), `${f.mechanisms} in ${expected}`).toBe(true);
      expect(f.trace.join("\n")).toMatch(new RegExp(f.mechanisms[0]!));
    }
  });
});

describe("shrunk counterexamples", () => {
  it("are the same for the same seed", async () => {
    const a = await certifyHandler(await load("check-then-act.ts"), { runs: 100, seed: 9, semantics: "per-key-order", mode: "in-process" });
    const b = await certifyHandler(await load("check-then-act.ts"), { runs: 100, seed: 9, semantics: "per-key-order", mode: "in-process" });
    expect(b.counterexample).toEqual(a.counterexample);
    expect(b.failure?.trace).toEqual(a.failure?.trace);
  });

  it("replay N of N times, in-process and through memory://", async () => {
    for (const mode of MODES) {
      const handler = await load("check-then-act.ts");
      const run = await certifyHandler(handler, { runs: 100, seed: 5, semantics: "per-key-order", mode });
      const repro: CertifyRepro = {
        gauntlet: "repro",
        version: 1,
        kind: "certify",
        handler: handler.path,
        semantics: "per-key-order",
        broker: mode === "memory" ? "memory://" : "in-process",
        seed: 5,
        mechanisms: run.failure!.mechanisms,
        ...run.counterexample!,
      };
      const replay = await replayCertify(handler, repro, 25);
      expect(replay).toMatchObject({ reproduced: 25, times: 25 });
      expect(replay.shown.actual).toEqual(run.failure!.actual);
    }
  });

  it("the same handler is certified when the order it depends on is promised, and rejected with a reorder when not", async () => {
    const ordered = await certifyHandler(await load("idempotent-ledger.ts"), { runs: 100, seed: 4, semantics: "per-key-order", mode: "in-process" });
    const unordered = await certifyHandler(await load("idempotent-ledger.ts"), { runs: 100, seed: 4, semantics: "unordered", mode: "in-process" });
    expect(ordered.certified).toBe(true);
    expect(unordered.certified).toBe(false);
    expect(unordered.failure!.mechanisms).toEqual(["reorder"]);
    expect(unordered.failure!.diff.map((d) => d.path)).toContain("history.k1[0]");
  });
});
