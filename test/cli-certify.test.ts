import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, gauntlet, tempDir } from "./cli-helpers.js";

const out = tempDir();
const HANDLERS = "fixtures/handlers";

function onlyReportDir(root: string): string {
  const dirs = readdirSync(root);
  expect(dirs).toHaveLength(1);
  return join(root, dirs[0]!);
}

const readJson = (file: string) => JSON.parse(readFileSync(file, "utf8"));

describe("gauntlet certify", () => {
  it.each(["idempotent-ledger.ts", "idempotent-sqlite.mjs"])("certifies %s: exit 0 and a certificate in the report", (name) => {
    const root = join(out, `ok-${name}`);
    const r = gauntlet(["certify", `${HANDLERS}/${name}`, "--runs", "200", "--seed", "77", "--out", root]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("CERTIFIED idempotent");
    expect(r.stdout).toMatch(/seed: 77\b/);
    const dir = onlyReportDir(root);
    const sha256 = createHash("sha256").update(readFileSync(join(ROOT, HANDLERS, name))).digest("hex");
    const certificate = readJson(join(dir, "certificate.json"));
    expect(certificate).toMatchObject({ gauntlet: "certificate", handler: `${HANDLERS}/${name}`, sha256, semantics: "per-key-order", deliveries: "in-process", runs: 200, seed: 77, gauntletVersion: "0.1.0" });
    expect(Number.isNaN(Date.parse(certificate.date))).toBe(false);
    const results = readJson(join(dir, "results.json"));
    expect(results).toMatchObject({ verdict: true, runs: 200, certificate });
    expect(existsSync(join(dir, "repro-certify.json"))).toBe(false);
  });

  it.each([
    ["plain-counter.ts", /duplicate|crash-before-ack|lock-expiry/],
    ["memory-dedupe.ts", /crash-before-ack|restart/],
    ["check-then-act.ts", /lock-expiry/],
    ["redelivered-flag.js", /duplicate/],
  ])("rejects %s: exit 1, the shrunk schedule, both snapshots, the diff, and a repro that replays N of N", (name, mechanism) => {
    const root = join(out, `bad-${name}`);
    const r = gauntlet(["certify", `${HANDLERS}/${name}`, "--seed", "3", "--out", root]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    for (const text of ["NOT IDEMPOTENT", "minimal failing schedule", "expected snapshot", "actual snapshot", "difference:", "replay: npx gauntlet replay"]) expect(r.stdout).toContain(text);
    expect(r.stdout).toMatch(/^ {2}1\. /m);
    const dir = onlyReportDir(root);
    expect(existsSync(join(dir, "certificate.json"))).toBe(false);
    const results = readJson(join(dir, "results.json"));
    expect(results.verdict).toBe(false);
    expect(results.certificate).toBeUndefined();
    expect(results.counterexample.deliveries).toBeLessThanOrEqual(3);
    expect(results.counterexample.mechanisms.join(",")).toMatch(mechanism);
    expect(results.counterexample.diff.length).toBeGreaterThan(0);
    const repro = readJson(join(dir, "repro-certify.json"));
    expect(repro).toMatchObject({ gauntlet: "repro", kind: "certify", handler: `${HANDLERS}/${name}`, semantics: "per-key-order", broker: "in-process", seed: 3 });
    expect(repro.schedule.length).toBeLessThanOrEqual(3);
    const again = gauntlet(["replay", join(dir, "repro-certify.json"), "--times", "5", "--out", join(root, "replay")]);
    expect(again.code, again.stderr).toBe(1);
    expect(again.stdout).toContain("reproduced 5 of 5 runs");
  });

  it("delivers through memory:// with injected faults: certifies the idempotent handler, rejects the in-memory dedupe", () => {
    const good = gauntlet(["certify", `${HANDLERS}/idempotent-ledger.ts`, "--broker", "memory://", "--runs", "150", "--seed", "8", "--out", join(out, "mem-ok"), "--json"]);
    expect(good.code, good.stderr).toBe(0);
    expect(JSON.parse(good.stdout).certificate).toMatchObject({ deliveries: "memory://", runs: 150 });
    const root = join(out, "mem-bad");
    const bad = gauntlet(["certify", `${HANDLERS}/memory-dedupe.ts`, "--broker", "memory://", "--seed", "8", "--out", root]);
    expect(bad.code, bad.stderr).toBe(1);
    expect(bad.stdout).toContain("minimal failing fault plan");
    expect(bad.stdout).toMatch(/lock expired|restarts/);
    const repro = join(onlyReportDir(root), "repro-certify.json");
    expect(readJson(repro)).toMatchObject({ broker: "memory://", faults: expect.any(Array) });
    const again = gauntlet(["replay", repro, "--times", "4", "--out", join(root, "replay")]);
    expect(again.code).toBe(1);
    expect(again.stdout).toContain("reproduced 4 of 4 runs");
  });

  it("replays a hand-edited repro: a harmless edit stops reproducing (exit 0), a schedule that never acks a message exits 3", () => {
    const root = join(out, "edit");
    expect(gauntlet(["certify", `${HANDLERS}/check-then-act.ts`, "--seed", "7", "--out", root]).code).toBe(1);
    const file = join(onlyReportDir(root), "repro-certify.json");
    const repro = readJson(file);
    expect(repro.schedule).toEqual([{ op: "lock-expiry", id: "m1", afterTicks: 0 }]);
    const late = join(out, "late.json");
    writeFileSync(late, JSON.stringify({ ...repro, schedule: [{ op: "lock-expiry", id: "m1", afterTicks: 50 }] }));
    const r = gauntlet(["replay", late, "--times", "3", "--out", join(out, "late")]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("reproduced 0 of 3 runs");
    const unacked = join(out, "unacked.json");
    writeFileSync(unacked, JSON.stringify({ ...repro, schedule: [{ op: "crash-before-ack", id: "m1" }] }));
    const bad = gauntlet(["replay", unacked, "--out", join(out, "unacked")]);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/message m1 is never acked/);
  });
});

describe("certify: bad handlers and options exit 3 naming the problem, never with a certificate", () => {
  const dir = tempDir();
  const write = (name: string, source: string) => {
    writeFileSync(join(dir, name), source);
    return join(dir, name);
  };

  it.each([
    ["a module without snapshot and reset", write("half.mjs", "export function handle() {}\n"), /missing exports snapshot\(\), reset\(\)/],
    ["a handle() that throws on every message", write("throws.mjs", 'export function handle() { throw new Error("db down"); }\nexport const snapshot = () => 0;\nexport const reset = () => {};\n'), /handle\(\) threw on every message[\s\S]*db down/],
    ["a snapshot that is not deterministic", write("clock.mjs", "export const handle = () => {};\nexport const snapshot = () => ({ at: process.hrtime.bigint().toString() });\nexport const reset = () => {};\n"), /different snapshots \(at: expected/],
    ["a file that does not exist", join(dir, "nope.ts"), /nope\.ts: no such file/],
  ])("%s", (_, file, message) => {
    const root = join(out, `usage-${readdirSync(dir).length}-${Math.random()}`);
    const r = gauntlet(["certify", file, "--runs", "20", "--out", root]);
    expect(r.code, r.stdout + r.stderr).toBe(3);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).not.toContain("CERTIFIED");
    expect(existsSync(root)).toBe(false);
  });

  it.each([
    [["--broker", "amqp://localhost"], /certify through amqp:\/\/ is not available/],
    [["--broker", "kafak://x"], /unknown scheme "kafak"/],
    [["--semantics", "fifo"], /unknown semantics "fifo"[\s\S]*per-key-order, unordered/],
  ])("options %j", (args, message) => {
    const r = gauntlet(["certify", `${HANDLERS}/idempotent-ledger.ts`, ...args, "--out", join(out, "opts")]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(message);
  });
});
