import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { existsSync, statSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { alive } from "../src/brokers/local/state.js";
import { TOXIPROXY_INSTALL, installToxiproxy, toxiproxyBinary, toxiproxyInstalled } from "../src/brokers/local/toxiproxy-install.js";
import { startToxiproxy } from "../src/brokers/local/toxiproxy-server.js";
import { requireBroker } from "./broker-gate.js";
import { gauntlet, ROOT, tempDir } from "./cli-helpers.js";

describe("toxiproxy as a local service", () => {
  if (!requireBroker("toxiproxy", toxiproxyInstalled(), TOXIPROXY_INSTALL)) return;

  it("installs idempotently: a second install keeps the binary (same mtime) and returns at once", async () => {
    const lines: string[] = [];
    await installToxiproxy((l) => lines.push(l)); // builds once if the cached binary predates version stamping
    const built = statSync(toxiproxyBinary()).mtimeMs;
    const started = Date.now();
    await installToxiproxy((l) => lines.push(l));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(statSync(toxiproxyBinary()).mtimeMs).toBe(built);
    expect(lines.at(-1)).toMatch(/v2\.12\.0 already installed/);
    expect(spawnSync(toxiproxyBinary(), ["-version"], { encoding: "utf8" }).stdout).toContain("2.12.0");
  }, 300_000);

  it("brokers up toxiproxy / status / down: a server that outlives the command, then no process and no directory", async () => {
    const env = { GAUNTLET_STATE_DIR: tempDir() };
    expect(gauntlet(["brokers", "up", "toxiproxy"], undefined, env).code).toBe(0);
    const listed = JSON.parse(gauntlet(["brokers", "status", "--json"], undefined, env).stdout).brokers.find((b: { name: string }) => b.name === "toxiproxy");
    expect(listed).toMatchObject({ installed: true, running: true, url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
    expect(await (await fetch(`${listed.url}/version`)).text()).toContain("2.12.0");
    expect(gauntlet(["brokers", "down"], undefined, env).code).toBe(0);
    expect(alive(listed.pid)).toBe(false);
    expect(existsSync(listed.dir)).toBe(false);
    const after = JSON.parse(gauntlet(["brokers", "status", "--json"], undefined, env).stdout).brokers.find((b: { name: string }) => b.name === "toxiproxy");
    expect(after.running).toBe(false);
  }, 60_000);

  it("startToxiproxy: a private server for one run, with a client, gone after stop()", async () => {
    const started = Date.now();
    const own = await startToxiproxy();
    const startMs = Date.now() - started;
    expect(startMs).toBeLessThan(5_000);
    expect(await own.client.getVersion()).toContain("2.12.0");
    await own.stop();
    expect(alive(own.state.pid)).toBe(false);
    expect(existsSync(own.state.dir)).toBe(false);
    await expect(fetch(`${own.url}/version`)).rejects.toThrow();
  });

  it("a run's private server dies with the run even when the run is SIGKILLed, and leaves no directory", async () => {
    // A process that starts a private toxiproxy, says where, and waits to be killed.
    const script = `const { startToxiproxy } = await import(${JSON.stringify(join(ROOT, "dist/src/brokers/local/toxiproxy-server.js"))});
const own = await startToxiproxy();
process.stdout.write(JSON.stringify(own.state) + "\\n");
setInterval(() => {}, 1000);`;
    const run = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    const state = await new Promise<{ pid: number; dir: string; url: string }>((resolve, reject) => {
      run.stdout.once("data", (b: Buffer) => resolve(JSON.parse(b.toString())));
      run.once("exit", (code) => reject(new Error(`the run exited (${code}) before starting toxiproxy`)));
    });
    expect(await (await fetch(`${state.url}/version`)).text()).toContain("2.12.0");
    run.kill("SIGKILL");
    await expect.poll(async () => (await fetch(`${state.url}/version`).then(() => "up", () => "down")), { timeout: 5_000 }).toBe("down");
    await expect.poll(() => existsSync(state.dir) || alive(state.pid), { timeout: 5_000 }).toBe(false);
  });
});
