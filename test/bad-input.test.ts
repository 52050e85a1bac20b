import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type BadInput, CORPUS } from "./bad-input/corpus.js";
import { ROOT } from "./cli-helpers.js";

/** Every case must end within this (exit 3 and 4 both promise "within seconds"; CI is a busy 2-core machine). */
const BOUND_MS = 15_000;
const BIN = join(ROOT, "bin", "gauntlet.js");
const base = mkdtempSync(join(tmpdir(), "gauntlet-corpus-"));
afterAll(() => rmSync(base, { recursive: true, force: true }));

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  leftovers: string[];
}

/** Run one case in its own directory, which is also its TMPDIR: whatever is left there afterwards was left behind. */
function runCase(c: BadInput, index: number): Promise<Outcome> {
  const dir = join(base, String(index));
  const tmp = join(dir, ".tmp");
  mkdirSync(tmp, { recursive: true });
  for (const [name, text] of Object.entries(c.files ?? {})) writeFileSync(join(dir, name), text);
  const before = new Set(readdirSync(dir));
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...c.args], { cwd: dir, env: { ...process.env, NO_COLOR: "1", TMPDIR: tmp, ...c.env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const killer = setTimeout(() => child.kill("SIGKILL"), BOUND_MS * 2);
    child.on("close", (code) => {
      clearTimeout(killer);
      const leftovers = [...readdirSync(tmp).map((f) => `.tmp/${f}`), ...readdirSync(dir).filter((f) => !before.has(f))];
      resolve({ code, stdout, stderr, ms: Date.now() - started, leftovers });
    });
  });
}

/** At most `width` cases at a time: the corpus is ~170 processes. */
async function runAll(cases: readonly BadInput[], width = 4): Promise<Outcome[]> {
  const out: Outcome[] = new Array(cases.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < cases.length) {
        const i = next++;
        out[i] = await runCase(cases[i]!, i);
      }
    }),
  );
  return out;
}

describe("the bad-input corpus", () => {
  let outcomes: Outcome[] = [];

  it(`has at least 150 cases across every command (${CORPUS.length})`, () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(150);
    const commands = new Set(CORPUS.map((c) => (c.args[0] === "bench" ? `bench ${c.args[1]}` : (c.args[0] ?? "(none)"))));
    for (const cmd of ["(none)", "run", "check", "replay", "certify", "brokers", "bench send-modes", "bench rtt", "bench http", "compare", "emulator", "conformance", "list"]) expect(commands, cmd).toContain(cmd);
  });

  it("runs every case", async () => {
    outcomes = await runAll(CORPUS);
  }, 600_000);

  it.each(CORPUS.map((c, i) => [c.name, i] as const))("%s", (_name, i) => {
    const c = CORPUS[i]!;
    const o = outcomes[i];
    expect(o, "the corpus ran").toBeDefined();
    const shown = `exit ${o!.code} in ${o!.ms} ms\nstderr: ${o!.stderr}\nstdout: ${o!.stdout.slice(0, 400)}`;
    expect(o!.code, shown).toBe(c.code);
    expect(o!.ms, shown).toBeLessThan(BOUND_MS);
    expect(o!.stderr, shown).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack trace
    expect(o!.stderr, shown).not.toMatch(/internal error/);
    expect(o!.stderr, shown).toMatch(/fix:|error: |unknown command|unknown option|argument missing/);
    if (c.says) expect(o!.stderr, shown).toMatch(c.says);
    if (c.secret) expect(o!.stdout + o!.stderr, shown).not.toContain(c.secret);
    expect(o!.leftovers, shown).toEqual([]);
  });
});
