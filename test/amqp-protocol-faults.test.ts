import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startProtocolProxy } from "../src/faults/protocol/proxy.js";
import { usePrivateRabbitMq } from "./broker-gate.js";
import { gauntletAsync } from "./cli-async.js";
import { gauntlet, tempDir } from "./cli-helpers.js";

/** The ops of the run's representative history. */
const history = (out: string): { type: string; f: string; process: string; time: number; error?: string; value: Record<string, any> }[] =>
  readFileSync(join(out, readdirSync(out)[0]!, "history.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
const fired = (out: string, name: string) => history(out).filter((o) => o.f === "fault" && o.type === "ok" && o.value.name === name && o.value.phase === "stop").reduce((n, o) => n + (o.value.detail?.fired ?? 0), 0);

describe("AMQP 0-9-1 protocol faults on RabbitMQ (issue 17)", () => {
  const node = usePrivateRabbitMq();
  if (!node) return;

  it("a proxy with no fault in force is transparent: the suite passes through it, every byte read is forwarded", async () => {
    const upstream = new URL(node.url);
    const proxy = await startProtocolProxy({ protocol: "amqp-0-9-1", listen: "127.0.0.1:0", upstream: `${upstream.hostname}:${upstream.port}` });
    try {
      const via = new URL(node.url);
      via.port = proxy.listen.split(":")[1]!;
      const r = await gauntletAsync(["run", "--broker", via.toString(), "at-least-once", "--runs", "3", "--seed", "3", "--out", tempDir(), "--no-progress"]);
      expect(r.code, r.output).toBe(0);
      expect(proxy.connections()).toBeGreaterThan(3);
      expect(proxy.read["to-broker"]).toBeGreaterThan(1_000);
      expect(proxy.bytes).toEqual(proxy.read);
    } finally {
      await proxy.stop();
    }
  }, 60_000);

  let repro = "";
  it("a lost publisher confirm makes the producer resend a stored message: exit 1, duplicated", () => {
    const out = tempDir();
    const r = gauntlet(["run", "--broker", node.url, "idempotent-producer", "--faults", "lost-confirm", "--runs", "5", "--seed", "1", "--shrink-budget", "3", "--out", out, "--no-progress"]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/duplicated=\d+/);
    expect(fired(out, "lost-confirm")).toBeGreaterThan(0);
    expect(readdirSync(join(out, readdirSync(out)[0]!))).toContain("repro-idempotent-producer.json");
    repro = join(out, readdirSync(out)[0]!, "repro-idempotent-producer.json");
  }, 90_000);

  it("the shrunk repro replays the lost confirm (count triggers, not luck)", () => {
    const r = gauntlet(["replay", repro, "--broker", node.url, "--times", "3", "--out", tempDir()]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/reproduced [1-3] of 3 runs/);
  }, 60_000);

  it("a consumer basic.ack lost before the connection drops gives redelivery, never loss: exit 0", () => {
    const out = tempDir();
    const r = gauntlet(["run", "--broker", node.url, "at-least-once", "--faults", "lost-consumer-ack", "--runs", "5", "--seed", "1", "--out", out, "--no-progress"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const ops = history(out);
    expect(fired(out, "lost-consumer-ack")).toBeGreaterThan(0);
    // A settle whose ack was dropped completed `info`, and that message came back later, redelivered.
    const came = (settle: (typeof ops)[number], at: number) =>
      ops.slice(at + 1).some((o) => o.f === "receive" && o.type === "ok" && (o.value.deliveries ?? []).some((d: { id: string; entity: string; redelivered?: boolean }) => d.id === settle.value.id && d.entity === settle.value.entity && d.redelivered));
    const lost = ops.map((o, i) => [o, i] as const).filter(([o]) => o.f === "settle" && o.type === "info" && o.value.outcome === "complete");
    expect(lost.length).toBeGreaterThan(0);
    expect(lost.some(([o, i]) => came(o, i))).toBe(true);
  }, 90_000);

  /** Each send's latency, ms (invoke to completion, per process). */
  const sendLatencies = (out: string): number[] => {
    const open = new Map<string, number>();
    const out_: number[] = [];
    for (const o of history(out)) {
      if (o.f !== "send") continue;
      if (o.type === "invoke") open.set(o.process, o.time);
      else if (open.has(o.process)) (out_.push((o.time - open.get(o.process)!) / 1e6), open.delete(o.process));
    }
    return out_;
  };

  it("connection-blocked (a memory alarm) holds the publisher for the window's delay, and loses nothing: exit 0", () => {
    const out = tempDir();
    const r = gauntlet(["run", "--broker", node.url, "at-least-once", "--faults", "connection-blocked", "--runs", "5", "--seed", "1", "--out", out, "--no-progress"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(fired(out, "connection-blocked")).toBeGreaterThan(0);
    const delays = history(out).filter((o) => o.f === "fault" && o.type === "ok" && o.value.phase === "stop" && o.value.detail?.fired > 0).map((o) => o.value.detail.delay as number);
    // The blocked publish completes only after the broker "reads" again.
    expect(Math.max(...sendLatencies(out))).toBeGreaterThanOrEqual(Math.min(...delays));
  }, 90_000);

  it("channel-close 541 on a publish: the send is reported indeterminate (channel closed), resent, nothing lost: exit 0", () => {
    const out = tempDir();
    const r = gauntlet(["run", "--broker", node.url, "at-least-once", "--faults", "channel-close", "--runs", "5", "--seed", "1", "--out", out, "--no-progress"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(fired(out, "channel-close")).toBeGreaterThan(0);
    expect(history(out).some((o) => o.f === "send" && o.type === "info" && /channel closed/.test(String(o.error)))).toBe(true);
  }, 90_000);

  it("refuses a fault AMQP has no frame for, and a trigger that can never match (exit 3)", () => {
    const r = gauntlet(["run", "--broker", node.url, "idempotent-producer", "--faults", "lost-produce-response", "--runs", "1", "--out", tempDir()]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/lost-produce-response not available on amqp:\/\/ \(a Kafka protocol fault/);
    expect(r.stderr).toMatch(/lost-confirm/);
    // The repro the lost-confirm run wrote, with a window whose trigger can never match.
    const saved = JSON.parse(readFileSync(repro, "utf8"));
    saved.scenario.faults = [{ name: "lost-confirm", atMs: 0, durationMs: 100, params: { nth: 0 } }];
    const file = join(tempDir(), "never.json");
    writeFileSync(file, JSON.stringify(saved));
    const bad = gauntlet(["replay", file, "--broker", node.url, "--out", tempDir()]);
    expect(bad.code, bad.stdout + bad.stderr).toBe(3);
    expect(bad.stderr).toMatch(/lost-confirm: nth 0 can never match/);
  }, 60_000);
});
