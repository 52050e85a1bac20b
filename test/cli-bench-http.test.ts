import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import puppeteer from "puppeteer-core";
import { describe, expect, it } from "vitest";
import { POSTGRES_INSTALL, postgresInstalled } from "../src/brokers/local/postgres-node.js";
import { requireBroker, usePrivateRabbitMq } from "./broker-gate.js";
import { gauntlet, tempDir } from "./cli-helpers.js";

/** The figures every healthy run must carry; returns the parsed results.json. */
function expectHealthyRun(stdout: string) {
  const run = JSON.parse(stdout);
  expect(run.kind).toBe("http");
  expect(run.http.completed).toBeGreaterThan(0);
  expect(run.http.requestsPerSec).toBeGreaterThan(0);
  expect(run.http.ok).toBeGreaterThan(0);
  expect(run.http.autocannon.p99).toBeGreaterThanOrEqual(run.http.autocannon.p50);
  expect(typeof run.http.autocannon.p97_5).toBe("number");
  expect(run.http.latency.count).toBe(run.http.completed);
  expect(run.e2e.count).toBe(run.exactlyOnce.accepted);
  expect(run.e2e.p99).toBeGreaterThan(0);
  expect(run.exactlyOnce).toMatchObject({ ok: true, missing: 0, duplicated: 0, unexpected: 0 });
  for (const f of ["results.json", "report.html"]) expect(existsSync(join(run.reportDir, f)), f).toBe(true);
  const html = readFileSync(join(run.reportDir, "report.html"), "utf8");
  expect(html).toContain(`id="bench-data"`);
  expect(html).not.toMatch(/<script src=|https?:\/\/cdn/);
  return run;
}

describe("gauntlet bench http on memory://", () => {
  const out = tempDir();

  it("drives POST /orders with autocannon, reports requests > 0 and exactly-once true", () => {
    const r = gauntlet(["bench", "http", "--broker", "memory://", "--duration", "2s", "--connections", "4", "--json", "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    const run = expectHealthyRun(r.stdout);
    expect(run.http.non2xx).toBe(0);
    expect(run.settings).toMatchObject({ connections: 4, durationMs: 2000, pipelining: 1 });
    const saved = JSON.parse(readFileSync(join(run.reportDir, "results.json"), "utf8"));
    expect(saved.http.autocannon.histogram.length).toBeGreaterThan(10);
    expect(saved.e2e.histogram.length).toBeGreaterThan(10);
  });

  it("invalid orders get 400 and produce no event; the text summary shows the figures", () => {
    const r = gauntlet(["bench", "http", "--broker", "memory://", "--duration", "1s", "--connections", "2", "--bad-orders", "10", "--out", out, "--no-progress"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/requests\s+[\d,]+ req\/s/);
    expect(r.stdout).toMatch(/400: \d+/);
    expect(r.stdout).toMatch(/HTTP latency\s+autocannon \(ms\): p50 \d+\s+p97\.5 \d+\s+p99 \d+/);
    expect(r.stdout).toMatch(/HTTP → consumed \(ms\):\s+p50 /);
    expect(r.stdout).toMatch(/exactly-once: OK/);
  });

  it("--defect duplicate-publish fails the check with exit 1 naming duplicated", () => {
    const r = gauntlet(["bench", "http", "--broker", "memory://", "--duration", "1s", "--connections", "4", "--defect", "duplicate-publish", "--out", out, "--no-progress"]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/exactly-once: FAILED — missing 0, duplicated [1-9]\d* \(\d+ extra events\), unexpected 0/);
    expect(r.stdout).toMatch(/duplicated: ord-\S+ ×2/);
  });

  it("exits 3 for an unknown defect or a bad option, before running anything", () => {
    expect(gauntlet(["bench", "http", "--defect", "nope", "--out", out]).code).toBe(3);
    expect(gauntlet(["bench", "http", "--connections", "0", "--out", out]).code).toBe(3);
    expect(gauntlet(["bench", "http", "--bad-orders", "101", "--out", out]).code).toBe(3);
  });
});

// Issue 16: the order service's outbox mode, on the embedded broker and a real private PostgreSQL.
describe("gauntlet bench http --outbox (memory:// and a private PostgreSQL)", () => {
  if (!requireBroker("PostgreSQL 15", postgresInstalled(), POSTGRES_INSTALL)) return;
  const out = tempDir();

  it("every committed order's event published, none for a declined (rolled-back) one; no Postgres left behind", () => {
    const tmp = tempDir();
    const r = gauntlet(["bench", "http", "--outbox", "--declined-orders", "10", "--duration", "1s", "--connections", "4", "--json", "--out", out], undefined, { TMPDIR: tmp });
    expect(r.code, r.stderr).toBe(0);
    const run = expectHealthyRun(r.stdout);
    expect(run.service.mode).toBe("outbox");
    expect(run.outbox).toMatchObject({ ok: true, relays: 2, pendingRows: 0, violations: {} });
    expect(run.outbox.rolledBack).toBeGreaterThan(0);
    expect(run.outbox.rolledBack).toBe(run.http.status["402"]);
    expect(run.outbox.committed).toBeGreaterThanOrEqual(run.exactlyOnce.accepted);
    expect(run.outbox.published).toBe(run.outbox.committed);
    expect(readdirSync(tmp)).toEqual([]);
  }, 60_000);

  it("--defect no-lock-between-relays: two relays publish the same rows, exit 1 naming the duplicate", () => {
    const r = gauntlet(["bench", "http", "--outbox", "--defect", "no-lock-between-relays", "--duration", "1s", "--connections", "4", "--out", out, "--no-progress"]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/outbox: FAILED — event published twice without a crash ×\d+/);
    expect(r.stdout).toMatch(/was published by relay-[12] pass \d+ and relay-[12] pass \d+, none of which crashed/);
  }, 60_000);

  it("exits 3 for outbox options without --outbox, or a defect of the other mode", () => {
    expect(gauntlet(["bench", "http", "--relays", "2", "--out", out]).stderr).toMatch(/--relays applies to the outbox mode only/);
    const r = gauntlet(["bench", "http", "--outbox", "--defect", "duplicate-publish", "--out", out]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/"duplicate-publish" is a defect of the direct mode/);
    expect(gauntlet(["bench", "http", "--outbox", "--db", "mysql://x", "--out", out]).code).toBe(3);
  });
});

describe("gauntlet bench http on RabbitMQ (a private node)", () => {
  const node = usePrivateRabbitMq();
  if (!node) return;
  const out = tempDir();

  it("every 2xx order produced exactly one OrderPlaced event on a quorum queue", () => {
    const r = gauntlet(["bench", "http", "--broker", `${node.url}?queue-type=quorum`, "--duration", "2s", "--connections", "4", "--json", "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    const run = expectHealthyRun(r.stdout);
    expect(run.versions.broker).toBe("RabbitMQ");
    expect(run.settings.client.queueType).toBe("quorum");
    expect(readFileSync(join(run.reportDir, "results.json"), "utf8")).not.toContain("guest:guest");
  }, 120_000);
});

describe("bench http report.html in real headless Chromium", () => {
  const CHROME = process.env.CHROME_PATH ?? "/usr/bin/chromium";
  if (!requireBroker("Chromium", existsSync(CHROME), "apt-get install -y chromium (or set CHROME_PATH)")) return;

  it("draws the latency and throughput charts with no console errors", async () => {
    const out = tempDir();
    const r = gauntlet(["bench", "http", "--duration", "1s", "--connections", "2", "--bad-orders", "5", "--json", "--no-progress", "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    const file = join(JSON.parse(r.stdout).reportDir, "report.html");
    const browser = await puppeteer.launch({ executablePath: CHROME, args: ["--no-sandbox", "--headless=new"] });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
      page.on("pageerror", (e) => errors.push(String(e)));
      await page.goto(`file://${file}`, { waitUntil: "load" });
      const charts = await page.evaluate(() => [...document.querySelectorAll<HTMLElement>("[data-chart]")].map((n) => ({ chart: n.dataset.chart, drawn: n.classList.contains("drawn") && n.querySelector("canvas") !== null })));
      expect(errors).toEqual([]);
      expect(charts).toEqual([{ chart: "latency", drawn: true }, { chart: "throughput", drawn: true }]);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
