import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { gauntlet, tempDir } from "./cli-helpers.js";

/** The representative history's fault windows that ended, with what each one hit. */
const windows = (out: string): { name: string; detail: { fired?: number } }[] =>
  readFileSync(join(out, readdirSync(out)[0]!, "history.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l))
    .filter((o) => o.f === "fault" && o.type === "ok" && o.value.phase === "stop")
    .map((o) => o.value);

describe("AMQP 1.0 faults on servicebus-emulator:// (the emulator's hooks in the fault vocabulary, issue 17)", () => {
  it("dropped connections are windows like any other: recorded, fired, and nothing is lost (exit 0)", () => {
    const out = tempDir();
    const r = gauntlet(["run", "--broker", "servicebus-emulator://", "at-least-once", "--faults", "drop-connections", "--runs", "2", "--seed", "1", "--out", out, "--no-progress"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const seen = windows(out);
    expect(seen.length).toBeGreaterThan(0);
    for (const w of seen) expect(["drop-connections"]).toContain(w.name);
    expect(seen.reduce((n, w) => n + (w.detail.fired ?? 0), 0)).toBeGreaterThan(0);
  }, 300_000);

  it("a network fault has no proxy to act through here: exit 3 naming the emulator's faults", () => {
    const r = gauntlet(["run", "--broker", "servicebus-emulator://", "at-least-once", "--faults", "latency", "--runs", "1", "--out", tempDir()]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/latency not available on servicebus-emulator:\/\//);
    expect(r.stderr).toMatch(/server-busy, delayed-disposition, lost-disposition, credit-starved, detach-links, drop-connections, lose-locks/);
  }, 60_000);
});
