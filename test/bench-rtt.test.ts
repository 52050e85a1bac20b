import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import puppeteer from "puppeteer-core";
import { describe, expect, it } from "vitest";
import { TOXIPROXY_INSTALL, toxiproxyInstalled } from "../src/brokers/local/toxiproxy-install.js";
import { requireBroker } from "./broker-gate.js";
import { gauntlet, tempDir } from "./cli-helpers.js";

const CHROME = process.env.CHROME_PATH ?? "/usr/bin/chromium";
const N = 10;
const LATENCY = 50;

interface Row {
  mode: string;
  messages: number;
  inFlight?: number;
  totalMs: number;
  rtts: number;
}

describe("bench rtt: the round-trip experiment behind a private toxiproxy", () => {
  if (!requireBroker("toxiproxy", toxiproxyInstalled(), TOXIPROXY_INSTALL)) return;
  const out = tempDir();
  let reportDir = "";

  it("memory:// with 50 ms: sequential costs a round trip per message, pipelined (K ≥ N) and batched about one", () => {
    const r = gauntlet(["bench", "rtt", "--broker", "memory://", "--latency", `${LATENCY}ms`, "--messages", String(N), "--in-flight", String(N), "--out", out, "--json", "--no-progress"]);
    expect(r.code, r.stderr).toBe(0);
    const run = JSON.parse(r.stdout);
    reportDir = run.reportDir;
    const row = (mode: string) => run.rows.find((x: Row) => x.mode === mode) as Row;
    const sequential = row("sequential");
    const pipelined = row("pipelined");
    const batched = row("batched");
    expect(pipelined.inFlight).toBeGreaterThanOrEqual(N);
    // The proxy really is in the path: one send costs at least the latency.
    expect(run.rttMs).toBeGreaterThanOrEqual(LATENCY * 0.9);
    expect(sequential.totalMs).toBeGreaterThanOrEqual(N * LATENCY * 0.9);
    expect(pipelined.totalMs).toBeLessThan(3 * LATENCY);
    expect(batched.totalMs).toBeLessThan(3 * LATENCY);
    expect(sequential.totalMs / pipelined.totalMs).toBeGreaterThan(N / 3);
    expect(run.target).toMatch(/in-process queue served over a loopback TCP hop/);
    const results = JSON.parse(readFileSync(join(reportDir, "results.json"), "utf8"));
    expect(results.kind).toBe("rtt");
    expect(results.settings.latencySplit).toEqual({ upstreamMs: LATENCY / 2, downstreamMs: LATENCY / 2 });
    expect(existsSync(join(reportDir, "report.html"))).toBe(true);
  }, 60_000);

  it("the text table shows pipelined(K < N) at about ⌈N/K⌉ round trips", () => {
    const r = gauntlet(["bench", "rtt", "--latency", "30ms", "--messages", "8", "--in-flight", "4", "--out", out, "--no-progress"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/mode\s+N\s+total ms\s+per-message ms\s+total in RTTs/);
    const line = r.stdout.split("\n").find((l) => l.startsWith("pipelined(maxInFlight=4)"))!;
    const rtts = Number(line.trim().split(/\s+/).at(-2));
    expect(rtts).toBeGreaterThan(1.5);
    expect(rtts).toBeLessThan(3.5);
    expect(r.stdout).toContain("pipelined(maxInFlight=8)");
  }, 60_000);

  it("report.html renders its bar chart in headless Chromium", async () => {
    if (!existsSync(CHROME) || !reportDir) return;
    const browser = await puppeteer.launch({ executablePath: CHROME, args: ["--no-sandbox", "--headless=new"] });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
      page.on("pageerror", (e) => errors.push(String(e)));
      await page.goto(`file://${join(reportDir, "report.html")}`, { waitUntil: "load" });
      const drawn = await page.evaluate(() => document.querySelector("[data-chart=rtt]")?.classList.contains("drawn") && document.querySelector("[data-chart=rtt] canvas") !== null);
      expect(errors).toEqual([]);
      expect(drawn).toBe(true);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
