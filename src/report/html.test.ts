import { createHash } from "node:crypto";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import type { RunSummary } from "../core/run.js";
import { chartAssets } from "../html/assets.js";
import { fixtureSummary } from "./fixture.test-helper.js";
import { toHtml } from "./html.js";

const ATTACK = `</script><script>alert(1)</script><img src=x onerror=alert(2)> & "quotes"`;

function dataJson(html: string): unknown {
  const m = /<script type="application\/json" id="data">([\s\S]*?)<\/script>/.exec(html);
  expect(m, "data block").not.toBeNull();
  return JSON.parse(m![1]!);
}

function inlineScripts(html: string): string[] {
  return [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
}

describe("toHtml", () => {
  const summary = fixtureSummary(ATTACK);
  const html = toHtml(summary);

  it("shows a plan's claims, read-back settings, settings not honoured and existing-entity mode, escaped", () => {
    const plan = {
      name: ATTACK,
      family: "servicebus",
      claims: [{ suite: "order-per-key@orders", claim: { claim: "order-per-key", entity: "orders" }, because: "requiresSession" }],
      unchecked: [{ entity: "orders", setting: "defaultMessageTimeToLive", reason: "not exercised" }],
      notHonoured: [{ path: "$.Namespaces[0].Queues[0].Properties.ForwardTo", setting: "ForwardTo", reason: "not modelled" }],
      existing: { entities: ["orders"], note: "each was empty" },
      validatedConfiguration: { orders: { lockDurationMs: 30000, native: { requiresSession: true } } },
    };
    const page = toHtml({ ...summary, plan });
    expect(page).toContain("<h2>Plan · &lt;/script&gt;");
    for (const text of ["Claims checked", "order-per-key@orders", "Settings applied (read back from the broker)", "&quot;lockDurationMs&quot;:30000", "Settings Gauntlet cannot honour", "ForwardTo", "Existing entities: orders"]) expect(page).toContain(text);
    expect(page).not.toContain(`<h2>Plan · ${ATTACK}`);
    expect(html).not.toContain("Claims checked");
  });

  it("references nothing outside the file", () => {
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/<script[^>]*\ssrc\s*=/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/@import|url\(/i);
    expect(html).toContain(`default-src 'none'`.replace(/'/g, "&#39;"));
  });

  it("inlines uPlot's code and CSS", () => {
    const { js, css, version } = chartAssets();
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    expect(js).toContain("var uPlot=");
    expect(html).toContain(js.slice(0, 2000));
    expect(html).toContain(css.slice(0, 200));
    expect(html.length).toBeGreaterThan(js.length);
  });

  it("escapes a malicious anomaly explanation everywhere", () => {
    expect(html).not.toContain("<script>alert(1)");
    expect(html).not.toContain("<img src=x");
    expect(html.match(/<script\b/g)).toHaveLength(3); // data, uPlot, charts
    expect(html).toContain("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt; &amp; &quot;quotes&quot;");
  });

  it("embeds the summary as JSON that parses back to it", () => {
    expect(dataJson(html)).toEqual(JSON.parse(JSON.stringify(summary)) as RunSummary);
  });

  it("allows exactly its own inline scripts through the CSP", () => {
    const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)![1]!.replace(/&#39;/g, "'");
    const scripts = inlineScripts(html);
    expect(scripts).toHaveLength(2);
    for (const s of scripts) expect(csp).toContain(`'sha256-${createHash("sha256").update(s).digest("base64")}'`);
  });

  it("shows verdicts, anomalies with history indexes, tables, replay and counterexample", () => {
    expect(html).toContain(`<span class="badge v-invalid">INVALID</span> Gauntlet report`);
    expect(html).toContain(`<span class="idx">#3, #4</span>`);
    expect(html).toContain("total-queue · lost (5)");
    expect(html).toContain("… 3 more not shown");
    expect(html).toContain("gauntlet replay reports/2025-01-02T03-04-05-abc123/repro-lock-expiry.json");
    expect(html).toMatch(/<details><summary>Counterexample scenario[^<]*<\/summary>\s*<pre>\{\n {2}&quot;version&quot;: 1/);
    expect(html).toContain("<th>p99.9 ms</th>".replace("<th>", `<th class="num">`));
    expect(html).toContain(`data-chart="throughput" data-suite="1"`);
    expect(html).toContain("Not applicable: broker lacks sessions");
    expect(html).toContain("No history metrics: the suite stopped with an error.");
    expect(html).toContain("ECONNREFUSED 127.0.0.1:5672");
    expect(html).toContain(`<td>partition</td>`);
  });

  it("degrades without metrics or suites", () => {
    const empty = { ...fixtureSummary(), suites: [], verdict: true as const };
    const out = toHtml(empty);
    expect(out).toContain("No suites ran.");
    expect(out).not.toContain("data-chart=");
    expect(dataJson(out)).toEqual(JSON.parse(JSON.stringify(empty)));
  });
});

describe("chart script", () => {
  it("draws throughput with fault bands and a log-scale latency chart from the embedded data", () => {
    const html = toHtml(fixtureSummary());
    const json = /<script type="application\/json" id="data">([\s\S]*?)<\/script>/.exec(html)![1]!;
    const nodes = [...html.matchAll(/data-chart="(\w+)" data-suite="(\d+)"/g)].map((m) => ({
      attrs: { "data-chart": m[1]!, "data-suite": m[2]! } as Record<string, string>,
      getAttribute(name: string) { return this.attrs[name] ?? null; },
      classList: { added: [] as string[], add(c: string) { this.added.push(c); } },
      parentNode: { clientWidth: 900 },
      textContent: "",
    }));
    const plots: { opts: any; data: number[][]; node: unknown }[] = [];
    function uPlot(this: unknown, opts: any, data: number[][], node: unknown) { plots.push({ opts, data, node }); }
    uPlot.paths = { stepped: () => "stepped-path" };
    runInNewContext(inlineScripts(html)[1]!, {
      uPlot,
      document: { getElementById: (id: string) => (id === "data" ? { textContent: json } : null), querySelectorAll: () => nodes },
      window: { devicePixelRatio: 1, addEventListener() {} },
      setTimeout, clearTimeout,
    });
    expect(nodes.every((n) => n.textContent === "")).toBe(true); // no "chart failed"
    expect(plots).toHaveLength(4); // two suites with metrics × two charts
    const [tp, lat] = plots;
    expect(tp!.opts.series.map((s: any) => s.label)).toEqual(["t", "sends", "deliveries", "settles"]);
    expect(new Set(tp!.data.map((c) => c.length)).size).toBe(1);
    const rects: number[][] = [];
    const ctx = new Proxy({ fillRect: (...a: number[]) => rects.push(a) } as Record<string, unknown>, {
      get: (t, k) => (k in t ? t[k as string] : () => {}),
      set: () => true,
    });
    const u = { ctx, bbox: { left: 0, top: 0, width: 1000, height: 200 }, valToPos: (v: number) => v * 1000 };
    for (const hook of [...tp!.opts.plugins[0].hooks.drawClear, ...tp!.opts.plugins[0].hooks.draw]) hook(u);
    expect(rects).toHaveLength(1);
    expect(rects[0]![0]).toBeCloseTo(30);
    expect(rects[0]![2]).toBeCloseTo(30.1);
    expect(lat!.opts.scales.y).toEqual({ distr: 3, log: 10 });
    expect(lat!.opts.series.map((s: any) => s.label)).toEqual(["percentile", "send (20)", "receive (20)", "settle (20)", "drain (1)"]);
    expect(lat!.data.slice(1).flat().every((v) => v > 0)).toBe(true);
  });
});
