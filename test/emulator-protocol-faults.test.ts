import { readFileSync, readdirSync, writeFileSync } from "node:fs";
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
    // A fixed scenario (a repro file): 20 sends 50 ms apart, one peek-lock consumer, every socket dropped 300 ms in.
    const dir = tempDir();
    let id = 0;
    const scenario = {
      version: 1,
      suite: "at-least-once",
      seed: 1,
      // Locks held by a dropped receiver last until they expire (60 s by default, as on the service): 2 s here.
      entities: [{ kind: "queue", name: "orders", lockDurationMs: 2_000 }],
      producers: [{ name: "p1", target: "orders", sends: Array.from({ length: 20 }, () => ({ delayMs: 50, messages: [{ id: `m${++id}`, size: 10 }] })) }],
      consumers: [{ name: "c1", source: "orders", mode: "peek-lock", batch: 2, actions: [], startDelayMs: 0 }],
      durationMs: 20_000,
      faults: [{ name: "drop-connections", atMs: 300, durationMs: 200 }],
    };
    const repro = join(dir, "repro.json");
    writeFileSync(repro, JSON.stringify({ gauntlet: "repro", version: 1, suite: "at-least-once", broker: "servicebus-emulator://", seed: 1, scenario }));
    const out = tempDir();
    const r = gauntlet(["replay", repro, "--broker", "servicebus-emulator://", "--out", out]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const seen = windows(out);
    expect(seen.map((w) => w.name)).toEqual(["drop-connections"]);
    // the producer's and the consumer's connections, at least
    expect(seen[0]!.detail.fired).toBeGreaterThan(0);
  }, 120_000);

  it("a network fault has no proxy to act through here: exit 3 naming the emulator's faults", () => {
    const r = gauntlet(["run", "--broker", "servicebus-emulator://", "at-least-once", "--faults", "latency", "--runs", "1", "--out", tempDir()]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/latency not available on servicebus-emulator:\/\//);
    expect(r.stderr).toMatch(/server-busy, delayed-disposition, lost-disposition, credit-starved, detach-links, drop-connections, lose-locks/);
  }, 60_000);
});
