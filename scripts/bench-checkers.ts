/**
 * Checker throughput and memory on synthetic histories read from a file, as `gauntlet check`
 * reads them. For each size the history is generated op by op into a temporary JSONL file
 * (never held in memory, removed after), then a child process (`--expose-gc`) reads it line by
 * line, validates it, and runs every checker; the child reports read and check times, its heap
 * after each step and its peak RSS (getrusage maxRSS, so the true peak, not a sample).
 *   npx tsc -p tsconfig.json && node dist/scripts/bench-checkers.js [--ops 1000000,10000000] [--json]
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { CHECKERS, compose, readHistory } from "../src/index.js";
import { setupOf } from "../src/history/views.js";
import { writeSyntheticHistory } from "./synthetic-history.js";

/** What one child measured on one history file. */
export interface CheckerFigures {
  ops: number;
  fileBytes: number;
  generateSeconds: number;
  readSeconds: number;
  checkSeconds: number;
  /** The same in user CPU seconds of the child: less sensitive to a busy machine than wall time. */
  readCpuSeconds: number;
  checkCpuSeconds: number;
  /** Checking alone (history already in memory): ops per second. */
  opsPerSecond: number;
  /** Reading, validating and checking: ops per second. */
  endToEndOpsPerSecond: number;
  /** Heap used after a GC: with the history loaded; with the history and the checkers' shared indexes. */
  heapHistoryBytes: number;
  heapCheckedBytes: number;
  /** Peak resident set size of the child. */
  peakRssBytes: number;
  verdict: string;
}

const HEAP_MB = 16_384;

async function child(file: string): Promise<void> {
  const gc = globalThis.gc ?? (() => undefined);
  gc();
  const base = process.memoryUsage().heapUsed;
  const cpu = () => process.cpuUsage().user / 1e6;
  let t0 = performance.now();
  let c0 = cpu();
  const ops = await readHistory(file);
  const readSeconds = (performance.now() - t0) / 1000;
  const readCpuSeconds = cpu() - c0;
  gc();
  const heapHistory = process.memoryUsage().heapUsed - base;
  const { setup } = setupOf(ops);
  t0 = performance.now();
  c0 = cpu();
  const result = compose(Object.values(CHECKERS), ops, { setup });
  const checkSeconds = (performance.now() - t0) / 1000;
  const checkCpuSeconds = cpu() - c0;
  gc();
  const heapChecked = process.memoryUsage().heapUsed - base;
  const out = { ops: ops.length, readSeconds, checkSeconds, readCpuSeconds, checkCpuSeconds, heapHistoryBytes: heapHistory, heapCheckedBytes: heapChecked, peakRssBytes: process.resourceUsage().maxRSS * 1024, verdict: String(result.valid) };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

/** Generate, measure in a child, remove: one size. */
export function measureCheckers(targetOps: number, seed = 7): CheckerFigures {
  const dir = mkdtempSync(join(tmpdir(), "gauntlet-bench-checkers-"));
  try {
    const file = join(dir, "history.jsonl");
    const t0 = performance.now();
    writeSyntheticHistory(file, targetOps, seed);
    const generateSeconds = (performance.now() - t0) / 1000;
    const fileBytes = statSync(file).size;
    const script = fileURLToPath(import.meta.url);
    const run = spawnSync(process.execPath, ["--expose-gc", `--max-old-space-size=${HEAP_MB}`, script, "--child", file], { encoding: "utf8", maxBuffer: 1 << 20 });
    if (run.status !== 0) throw new Error(`checker bench child failed (${run.status ?? run.signal}): ${run.stderr.slice(-2000)}`);
    const c = JSON.parse(run.stdout.trim().split("\n").at(-1)!) as Omit<CheckerFigures, "fileBytes" | "generateSeconds" | "opsPerSecond" | "endToEndOpsPerSecond">;
    return { ...c, fileBytes, generateSeconds, opsPerSecond: c.ops / c.checkSeconds, endToEndOpsPerSecond: c.ops / (c.readSeconds + c.checkSeconds) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const mib = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MiB`;

/** One line per size, then the growth between the first and the last size. */
export function formatCheckerFigures(rows: readonly CheckerFigures[]): string[] {
  const lines = rows.map(
    (r) =>
      `  ${r.ops.toLocaleString().padStart(10)} ops (generated in ${r.generateSeconds.toFixed(1)} s): check ${Math.round(r.opsPerSecond).toLocaleString()} ops/s (${r.checkSeconds.toFixed(2)} s, CPU ${r.checkCpuSeconds.toFixed(2)} s); read+validate ${r.readSeconds.toFixed(2)} s (CPU ${r.readCpuSeconds.toFixed(2)} s, file ${mib(r.fileBytes)}); end to end ${Math.round(r.endToEndOpsPerSecond).toLocaleString()} ops/s; ` +
      `heap history ${mib(r.heapHistoryBytes)} (${Math.round(r.heapHistoryBytes / r.ops)} B/op), +indexes ${mib(r.heapCheckedBytes)} (${Math.round(r.heapCheckedBytes / r.ops)} B/op); peak RSS ${mib(r.peakRssBytes)} (${Math.round(r.peakRssBytes / r.ops)} B/op); verdict ${r.verdict}`,
  );
  if (rows.length >= 2) {
    const a = rows[0]!;
    const b = rows.at(-1)!;
    const x = b.ops / a.ops;
    const time = b.checkSeconds / a.checkSeconds;
    const cpu = b.checkCpuSeconds / a.checkCpuSeconds;
    const heap = b.heapCheckedBytes / a.heapCheckedBytes;
    // Linear when time and heap grow no faster than the ops (a quarter over for noise on a shared machine).
    const verdict = Math.min(time, cpu) <= x * 1.25 && heap <= x * 1.25 ? "linear" : "SUPERLINEAR";
    lines.push(
      `  growth ${a.ops.toLocaleString()} → ${b.ops.toLocaleString()} ops (×${x.toFixed(1)}): check time ×${time.toFixed(1)} (CPU ×${cpu.toFixed(1)}), read+validate ×${((b.readSeconds) / a.readSeconds).toFixed(1)}, heap ×${heap.toFixed(1)}, peak RSS ×${(b.peakRssBytes / a.peakRssBytes).toFixed(1)}; ` +
        `marginal ${Math.round((b.peakRssBytes - a.peakRssBytes) / (b.ops - a.ops))} B/op RSS, ${Math.round((b.heapCheckedBytes - a.heapCheckedBytes) / (b.ops - a.ops))} B/op heap — ${verdict} (ops ×${x.toFixed(1)})`,
    );
  }
  return lines;
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) {
  const args = process.argv.slice(2);
  const at = args.indexOf("--child");
  if (at >= 0) await child(args[at + 1]!);
  else {
    const opsAt = args.indexOf("--ops");
    const sizes = (opsAt >= 0 ? args[opsAt + 1]! : "1000000,10000000").split(",").map(Number);
    const rows = sizes.map((n) => measureCheckers(n));
    if (args.includes("--json")) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    else for (const l of formatCheckerFigures(rows)) process.stdout.write(`${l}\n`);
  }
}
