import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
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

/** Check early that reports can be written under `outRoot` (creating it), so a bad --out fails before the work. */
export async function ensureOutRoot(outRoot: string): Promise<void> {
  await mkdir(resolve(outRoot), { recursive: true }).catch((err: NodeJS.ErrnoException) => {
    throw new UsageError(`--out: cannot create ${resolve(outRoot)}: ${err.code ?? err.message}`, "pass a directory you can write to, e.g. --out reports");
  });
}
