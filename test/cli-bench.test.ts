import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, gauntlet, tempDir } from "./cli-helpers.js";

const SHORT = ["--duration", "300ms", "--warmup", "50ms", "--sizes", "100", "--in-flight", "10", "--batch", "10", "--no-progress"];

describe("gauntlet bench send-modes on memory://", () => {
  const out = tempDir();
  const r = gauntlet(["bench", "send-modes", "--broker", "memory://", "--json", "--out", out, ...SHORT]);

  it("prints a matrix with sequential, pipelined and batched rows, each with msgs/s and p50/p99/p999", () => {
    expect(r.code, r.stderr).toBe(0);
    const run = JSON.parse(r.stdout);
    const modes = run.matrix.map((row: { mode: string }) => row.mode);
    expect(modes).toEqual(["sequential", "pipelined", "batched", "fire-and-forget"]);
    for (const row of run.matrix) {
      expect(row.msgsPerSec).toBeGreaterThan(0);
      for (const k of ["p50", "p99", "p999"]) expect(typeof row[k]).toBe("number");
      expect(row.p50).toBeLessThanOrEqual(row.p99);
      expect(row.p99).toBeLessThanOrEqual(row.p999);
    }
    expect(run.matrix.find((row: { mode: string }) => row.mode === "fire-and-forget").flags).toContain("anti-pattern");
  });

  it("records what produced each figure and keeps full histograms", () => {
    const run = JSON.parse(r.stdout);
    expect(run.broker).toBe("memory://");
    expect(run.host.cpus).toBeGreaterThan(0);
    expect(run.host.node).toBe(process.version);
    expect(run.settings).toMatchObject({ durationMs: 300, warmupMs: 50, sizes: [100], latencyFrom: "actual" });
    for (const cell of run.cells) {
      expect(cell.publish.histogram.length).toBeGreaterThan(10);
      expect(cell.publish.count).toBe(cell.acked);
      expect(cell.startedAt).toMatch(/^\d{4}-/);
    }
    const dir = run.reportDir as string;
    for (const f of ["results.json", "report.html", "intervals-publish.csv", "intervals-e2e.csv"]) expect(existsSync(join(dir, f)), f).toBe(true);
    const csv = readFileSync(join(dir, "intervals-publish.csv"), "utf8").split("\n");
    expect(csv[0]).toBe("cell,mode,size,n,second,sent,acked,delivered,errors,p50_us,p99_us");
    expect(csv.length).toBeGreaterThan(run.cells.length);
  });

  it("prints a readable table by default, and the fastest honest mode is never fire-and-forget", () => {
    const t = gauntlet(["bench", "send-modes", "--out", out, "--modes", "sequential,fire-and-forget", ...SHORT]);
    expect(t.code, t.stderr).toBe(0);
    expect(t.stdout).toMatch(/mode\s+size\s+N\s+msgs\/s\s+MB\/s\s+p50 ms\s+p99 ms\s+p999 ms\s+e2e p99/);
    expect(t.stdout).toMatch(/fastest honest mode for 100 B: sequential/);
    expect(t.stdout).toMatch(/fire-and-forget \(anti-pattern\)/);
  });

  it("exits 1 naming the cells when a threshold cannot be met", () => {
    const t = gauntlet(["bench", "send-modes", "--out", out, "--modes", "sequential,pipelined", "--threshold", "rate>=1000000000", ...SHORT]);
    expect(t.code).toBe(1);
    expect(t.stdout).toMatch(/threshold rate>=1000000000: BREACHED in 2 cell\(s\): sequential\/100\/1 .*pipelined\/100\/10/);
  });

  it("exits 3 on bad threshold syntax, before running anything", () => {
    const before = readdirSync(out).length;
    const t = gauntlet(["bench", "send-modes", "--out", out, "--threshold", "publish.p99<<5ms", ...SHORT]);
    expect(t.code).toBe(3);
    expect(t.stderr).toMatch(/--threshold: cannot read "publish.p99<<5ms"/);
    expect(readdirSync(out).length).toBe(before);
  });

  it("exits 3 for a delay threshold without --rate, and for a size below the stamp header", () => {
    expect(gauntlet(["bench", "send-modes", "--out", out, "--threshold", "delay.p99<1ms", ...SHORT]).code).toBe(3);
    expect(gauntlet(["bench", "send-modes", "--out", out, "--sizes", "8"]).code).toBe(3);
  });

  it("compare matches cells and prints deltas", () => {
    const run = JSON.parse(r.stdout);
    const a = join(run.reportDir, "results.json");
    const c = gauntlet(["compare", a, a, "--json"]);
    expect(c.code, c.stderr).toBe(0);
    const cmp = JSON.parse(c.stdout);
    expect(cmp.cells).toHaveLength(run.cells.length);
    expect(cmp.regressions).toBe(0);
    expect(cmp.cells[0].rate.pct).toBe(0);
    const text = gauntlet(["compare", a, a]);
    expect(text.stdout).toMatch(/sequential\/100\/1 .* → /);
    expect(gauntlet(["compare", a, join(out, "missing.json")]).code).toBe(3);
  });
});

describe("bench send-modes interrupted", () => {
  it("SIGINT after the first cell exits 130 and keeps the finished cells in a results.json marked interrupted", async () => {
    const { spawn } = await import("node:child_process");
    const out = tempDir();
    const child = spawn(process.execPath, [join(ROOT, "bin", "gauntlet.js"), "bench", "send-modes", "--duration", "1s", "--warmup", "100ms", "--out", out], { cwd: ROOT, env: { ...process.env, NO_COLOR: "1" } });
    let stderr = "";
    const firstCell = new Promise<void>((resolve) =>
      child.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
        if (/cell 1\/\d+ \S+: [\d,]+ msgs\/s/.test(stderr)) resolve();
      }),
    );
    await firstCell;
    child.kill("SIGINT");
    const code = await new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
    expect(code, stderr).toBe(130);
    const [dir] = readdirSync(out);
    const results = JSON.parse(readFileSync(join(out, dir!, "results.json"), "utf8"));
    expect(results.interrupted).toBe("SIGINT");
    expect(results.cells.length).toBeGreaterThan(0);
    expect(results.cells.length).toBeLessThan(6);
  }, 60_000);
});
