import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TOXIPROXY_INSTALL, toxiproxyInstalled } from "../src/brokers/local/toxiproxy-install.js";
import { requireBroker, usePrivateRabbitMq } from "./broker-gate.js";
import { gauntlet, ROOT, tempDir } from "./cli-helpers.js";

/** Pids of live processes whose environment carries `mark` (everything a command started inherits it). */
function processesMarked(mark: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, "latin1").includes(mark)) found.push(Number(entry));
    } catch {
      // exited meanwhile, or not ours to read
    }
  }
  return found;
}

/**
 * Start `gauntlet run` as a user would, wait until it is mid-run, press Ctrl-C (SIGINT), and
 * return its exit and output. The child gets its own TMPDIR and an environment mark.
 */
async function interruptedRun(args: string[], tmp: string, mark: string, env: Record<string, string> = {}): Promise<{ code: number | null; stderr: string; waitedMs: number }> {
  const child = spawn(process.execPath, [join(ROOT, "bin", "gauntlet.js"), "run", ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: "1", TMPDIR: tmp, GAUNTLET_TEST_MARK: mark, ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    child.stderr.on("data", (b: Buffer) => {
      stderr += b.toString();
      const runs = [...stderr.matchAll(/: run (\d+)\//g)].map((m) => Number(m[1]));
      if (runs.some((n) => n >= 2)) resolve(); // past the first scenario: faults have been applied
    });
    void exited.then(() => reject(new Error(`the run ended before it could be interrupted:\n${stderr}`)));
  });
  const sent = Date.now();
  child.kill("SIGINT");
  const code = await exited;
  return { code, stderr, waitedMs: Date.now() - sent };
}

describe("Ctrl-C during a run with network faults (RabbitMQ, private toxiproxy)", () => {
  const node = usePrivateRabbitMq();
  if (!node) return;
  if (!requireBroker("toxiproxy", toxiproxyInstalled(), TOXIPROXY_INSTALL)) return;

  it("exits 130 within seconds, leaving no process it started and no temp dir", async () => {
    const tmp = tempDir();
    const mark = `ctrl-c-${randomUUID()}`;
    const r = await interruptedRun(["--broker", node.url, "at-least-once", "--faults", "latency,cut", "--runs", "500", "--out", tempDir()], tmp, mark);
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toMatch(/SIGINT received, stopping what Gauntlet started/);
    expect(r.waitedMs).toBeLessThan(15_000);
    // The private toxiproxy (and its watchdog) are gone, and so is its directory.
    expect(processesMarked(mark)).toEqual([]);
    expect(readdirSync(tmp).filter((f) => f.startsWith("gauntlet-"))).toEqual([]);
  }, 120_000);

  it("with the shared toxiproxy of `brokers up`: removes the run's proxies and toxics, and leaves the server running", async () => {
    const state = { GAUNTLET_STATE_DIR: tempDir() };
    expect(gauntlet(["brokers", "up", "toxiproxy"], undefined, state).code).toBe(0);
    try {
      const shared = JSON.parse(gauntlet(["brokers", "status", "--json"], undefined, state).stdout).brokers.find((b: { name: string }) => b.name === "toxiproxy");
      const mark = `ctrl-c-${randomUUID()}`;
      const r = await interruptedRun(["--broker", node.url, "at-least-once", "--faults", "latency,cut", "--runs", "500", "--out", tempDir()], tempDir(), mark, state);
      expect(r.code, r.stderr).toBe(130);
      expect(await (await fetch(`${shared.url}/proxies`)).json()).toEqual({});
      expect(processesMarked(mark)).toEqual([]);
    } finally {
      expect(gauntlet(["brokers", "down", "toxiproxy"], undefined, state).code).toBe(0);
    }
  }, 120_000);
});
