/**
 * `node dist/scripts/bench-certify.js [--runs N] [--in-process-runs M] [--handler FILE]`: prints
 * figures, asserts nothing. Certify's speed and memory, in the handler's own processes (what the
 * CLI does: `gauntlet certify` is started and its process tree sampled every second) and in one
 * process (the library call, as certify ran before isolation). Default handler: a ledger with no
 * restart(), so every restart re-imports its module — the case whose memory used to grow per run.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { certifyHandler } from "../src/certify/certify.js";
import { LoadedHandler } from "../src/certify/handler.js";

const ROOT = new URL("../..", import.meta.url).pathname;
const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => (args.includes(name) ? args[args.indexOf(name) + 1]! : fallback);
const runs = Number(arg("--runs", "100000"));
const inProcessRuns = Number(arg("--in-process-runs", "10000"));
const handler = arg("--handler", join(ROOT, "fixtures/handlers/bench/global-ledger.mjs"));
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

/** VmRSS of a process and its descendants, in bytes. */
function treeRss(pid: number): { total: number; processes: number } {
  let total = 0;
  let processes = 0;
  const visit = (p: number) => {
    try {
      total += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, "utf8"))?.[1] ?? 0) * 1024;
      processes += 1;
      for (const child of readFileSync(`/proc/${p}/task/${p}/children`, "utf8").trim().split(/\s+/).filter(Boolean)) visit(Number(child));
    } catch {
      // exited meanwhile
    }
  };
  visit(pid);
  return { total, processes };
}

async function isolated(): Promise<void> {
  const out = mkdtempSync(join(tmpdir(), "gauntlet-bench-certify-"));
  const started = Date.now();
  const child = spawn(process.execPath, [join(ROOT, "bin/gauntlet.js"), "certify", handler, "--runs", String(runs), "--seed", "1", "--no-progress", "--json", "--out", out], { stdio: ["ignore", "pipe", "inherit"] });
  let stdout = "";
  child.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
  const samples: number[] = [];
  const timer = setInterval(() => {
    const { total, processes } = treeRss(child.pid!);
    samples.push(total);
    if (samples.length % 10 === 1) process.stdout.write(`  ${String(Math.round((Date.now() - started) / 1000)).padStart(4)} s  RSS of gauntlet + handler process: ${mb(total)} (${processes} processes)\n`);
  }, 1_000);
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  clearInterval(timer);
  const seconds = (Date.now() - started) / 1000;
  const results = JSON.parse(stdout) as { runs: number; verdict: unknown };
  const third = Math.max(1, Math.floor(samples.length / 3));
  const early = Math.max(...samples.slice(0, third));
  const late = Math.max(...samples.slice(-third));
  process.stdout.write(
    `isolated (CLI): exit ${code}, verdict ${String(results.verdict)}, ${results.runs} runs in ${seconds.toFixed(1)} s = ${(results.runs / seconds).toFixed(0)} runs/s (start-up included)\n` +
      `  RSS peak in the first third ${mb(early)}, in the last third ${mb(late)}, overall max ${mb(Math.max(...samples))}\n`,
  );
  rmSync(out, { recursive: true, force: true });
}

async function inProcess(): Promise<void> {
  const storeDir = mkdtempSync(join(tmpdir(), "gauntlet-bench-certify-"));
  const loaded = await LoadedHandler.load(handler, { storeDir });
  const before = process.memoryUsage.rss();
  const started = Date.now();
  const run = await certifyHandler(loaded, {
    runs: inProcessRuns,
    seed: 1,
    semantics: "per-key-order",
    mode: "in-process",
    onProgress: (n) => n % 2_000 === 0 && process.stdout.write(`  ${n} runs: RSS ${mb(process.memoryUsage.rss())}\n`),
  });
  const seconds = (Date.now() - started) / 1000;
  const grown = process.memoryUsage.rss() - before;
  process.stdout.write(
    `in one process (library): certified ${run.certified}, ${run.runs} runs in ${seconds.toFixed(1)} s = ${(run.runs / seconds).toFixed(0)} runs/s; RSS grew ${mb(grown)} = ${(grown / run.runs / 1024).toFixed(1)} KB per run\n`,
  );
  rmSync(storeDir, { recursive: true, force: true });
}

process.stdout.write(`certify benchmark: ${handler}\n`);
await isolated();
if (inProcessRuns > 0) await inProcess();
