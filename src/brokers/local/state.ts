import { readFileSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";

/** Where Gauntlet keeps caches and the state of brokers started with `gauntlet brokers up`. */
export function gauntletCache(): string {
  return process.env.GAUNTLET_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "gauntlet");
}

/** Where running brokers' state files live (GAUNTLET_STATE_DIR isolates tests without a new cache). */
function stateDir(): string {
  return process.env.GAUNTLET_STATE_DIR ?? join(gauntletCache(), "brokers");
}

function stateFile(name: string): string {
  return join(stateDir(), `${name}.json`);
}

/** Read a running broker's recorded state, if any. */
export async function readState<T>(name: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(stateFile(name), "utf8")) as T;
  } catch {
    return undefined;
  }
}

export async function writeState(name: string, state: unknown): Promise<void> {
  await mkdir(stateDir(), { recursive: true });
  await writeFile(stateFile(name), `${JSON.stringify(state, null, 2)}\n`);
}

export async function clearState(name: string): Promise<void> {
  await rm(stateFile(name), { force: true });
}

/** Is a process with this pid alive? A zombie (exited, not yet reaped by its parent) is not. */
export function alive(pid: number): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return true; // no /proc: trust kill(0)
  }
}
