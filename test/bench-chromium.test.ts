import { existsSync } from "node:fs";
import { join } from "node:path";
import puppeteer from "puppeteer-core";
import { describe, expect, it } from "vitest";
import { requireBroker } from "./broker-gate.js";
import { gauntlet, tempDir } from "./cli-helpers.js";

const CHROME = process.env.CHROME_PATH ?? "/usr/bin/chromium";

describe("bench report.html in real headless Chromium", () => {
  if (!requireBroker("Chromium", existsSync(CHROME), "apt-get install -y chromium (or set CHROME_PATH)")) return;

  it("renders every chart with no console errors", async () => {
    const out = tempDir();
    const r = gauntlet(["bench", "send-modes", "--broker", "memory://", "--out", out, "--json", "--no-progress", "--rate", "2000", "--duration", "400ms", "--warmup", "50ms", "--sizes", "100", "--in-flight", "10", "--batch", "10"]);
    expect(r.code, r.stderr).toBe(0);
    const file = join(JSON.parse(r.stdout).reportDir, "report.html");
    const browser = await puppeteer.launch({ executablePath: CHROME, args: ["--no-sandbox", "--headless=new"] });
    try {
      const page = await browser.newPage();
      await page.setViewport({ width: 1200, height: 900 });
      const errors: string[] = [];
      page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
      page.on("pageerror", (e) => errors.push(String(e)));
      page.on("requestfailed", (q) => errors.push(`request failed: ${q.url()}`));
      await page.goto(`file://${file}`, { waitUntil: "load" });
      const charts = await page.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>("[data-chart]")].map((node) => {
          const canvas = node.querySelector("canvas");
          if (!canvas) return { chart: node.dataset.chart, drawn: false, colours: 0 };
          const { width, height } = canvas;
          const pixels = canvas.getContext("2d")!.getImageData(0, 0, width, height).data;
          const colours = new Set<number>();
          for (let i = 0; i < pixels.length && colours.size < 50; i += 4 * 7) colours.add((pixels[i]! << 24) | (pixels[i + 1]! << 16) | (pixels[i + 2]! << 8) | pixels[i + 3]!);
          return { chart: `${node.dataset.chart}:${node.dataset.series ?? ""}`, drawn: node.classList.contains("drawn"), colours: colours.size };
        }),
      );
      expect(errors).toEqual([]);
      // matrix, publish/e2e/delay percentile curves, throughput over time
      expect(charts).toHaveLength(5);
      for (const c of charts) {
        expect(c.drawn, c.chart).toBe(true);
        expect(c.colours, `${c.chart} is blank`).toBeGreaterThan(3);
      }
      const shot = await page.screenshot({ encoding: "base64", fullPage: true });
      expect(new Set(Buffer.from(shot, "base64").subarray(200, 20_000)).size).toBeGreaterThan(16);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
