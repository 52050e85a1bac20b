import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";

/** A sortable, unique run id: 20261123-041502-a1b2. */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  return `${stamp}-${Math.random().toString(16).slice(2, 6)}`;
}

/** Create reports/<run-id>/ under `outRoot`. */
export async function makeReportDir(outRoot: string, runId: string): Promise<string> {
  const dir = resolve(join(outRoot, runId));
  await mkdir(dir, { recursive: true });
  return dir;
}
