import { constants } from "node:fs";
import { access, mkdir, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { UsageError } from "../core/errors.js";

/** A sortable, unique run id: 20261123-041502-a1b2. */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  return `${stamp}-${Math.random().toString(16).slice(2, 6)}`;
}

/** Create reports/<run-id>/ under `outRoot`. */
export async function makeReportDir(outRoot: string, runId: string): Promise<string> {
  const dir = resolve(join(outRoot, runId));
  await mkdir(dir, { recursive: true }).catch((err: NodeJS.ErrnoException) => {
    throw new UsageError(`--out: cannot create ${dir}: ${err.code ?? err.message}`, "pass a directory you can write to, e.g. --out reports");
  });
  return dir;
}

/**
 * Check early that reports can be written under `outRoot`, so a bad --out fails before the work:
 * the nearest existing ancestor must be a writable directory. Creates nothing (a run that then
 * fails leaves no empty directory behind).
 */
export async function ensureOutRoot(outRoot: string): Promise<void> {
  const wanted = resolve(outRoot);
  let at = wanted;
  for (;;) {
    const info = await stat(at).catch(() => undefined);
    if (info) {
      const ok = info.isDirectory() && (await access(at, constants.W_OK).then(() => true, () => false));
      if (ok) return;
      throw new UsageError(`--out: cannot create ${wanted}: ${at} is ${info.isDirectory() ? "not writable" : "not a directory"}`, "pass a directory you can write to, e.g. --out reports");
    }
    const parent = dirname(at);
    if (parent === at) return;
    at = parent;
  }
}
