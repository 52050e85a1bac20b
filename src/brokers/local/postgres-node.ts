import { spawnSync } from "node:child_process";
import { chown, existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { InfrastructureError } from "../../core/errors.js";
import { freePort, waitUntil } from "./free-port.js";
import { spawnTiedToThisProcess } from "./tied-process.js";

const PG_BIN = "/usr/lib/postgresql/15/bin";
export const POSTGRES_INSTALL = "apt-get install -y postgresql-15";

/** A private PostgreSQL instance Gauntlet started: its own port, data directory and socket; never the system cluster. */
export interface StartedPostgresNode {
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  url: string;
  port: number;
  dir: string;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Is Debian's PostgreSQL 15 installed? */
export function postgresInstalled(): boolean {
  return existsSync(join(PG_BIN, "postgres")) && existsSync(join(PG_BIN, "initdb"));
}

/**
 * The directory to create the instance's directory in: TMPDIR, unless we are root and the
 * postgres user cannot enter it (a private 0700 TMPDIR), then /tmp.
 */
function parentDir(): string {
  const dir = tmpdir();
  if (process.getuid?.() !== 0) return dir;
  const [cmd, args] = asPostgres("test", ["-x", dir, "-a", "-w", dir]);
  return spawnSync(cmd, args).status === 0 ? dir : "/tmp";
}

/** Run as the postgres user when we are root (PostgreSQL refuses to run as root). */
function asPostgres(command: string, args: string[]): [string, string[]] {
  if (process.getuid?.() !== 0) return [command, args];
  return ["setpriv", ["--reuid", "postgres", "--regid", "postgres", "--init-groups", "--", command, ...args]];
}

/**
 * initdb a fresh cluster in a temporary directory, start postgres on a free loopback port (no
 * fsync: test data), wait until a client connects, and return a handle whose stop() ends it (a
 * fast shutdown) and removes the directory. Should this process die first, a watchdog does both.
 */
export async function startPostgresNode(options: { startTimeoutMs?: number } = {}): Promise<StartedPostgresNode> {
  if (!postgresInstalled()) throw new InfrastructureError(`PostgreSQL 15 is not installed (no ${PG_BIN}/postgres)`, POSTGRES_INSTALL);
  const dir = await mkdtemp(join(parentDir(), "gauntlet-postgres-"));
  const stopDir = () => rm(dir, { recursive: true, force: true });
  try {
    if (process.getuid?.() === 0) await promisify(chown)(dir, uid("postgres"), gid("postgres"));
    const data = join(dir, "data");
    const [initCmd, initArgs] = asPostgres(join(PG_BIN, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C"]);
    const init = spawnSync(initCmd, initArgs, { encoding: "utf8", timeout: 60_000 });
    if (init.status !== 0) throw new InfrastructureError(`initdb failed: ${(init.stderr || init.stdout || String(init.error)).slice(-1200)}`, `check that the postgres user can write to ${dir}'s parent (TMPDIR), and that ${PG_BIN} works`);
  } catch (err) {
    await stopDir();
    throw err;
  }
  const port = await freePort();
  const [cmd, args] = asPostgres(join(PG_BIN, "postgres"), ["-D", join(dir, "data"), "-p", String(port), "-k", dir, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=50", "-c", "shared_buffers=16MB"]);
  const watchdog = spawnTiedToThisProcess(cmd, args, { log: join(dir, "postgres.log"), dir });
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const stop = async () => {
    const pid = postmasterPid(dir);
    if (pid) {
      try {
        process.kill(pid, "SIGINT"); // fast shutdown: roll back open transactions, end sessions
      } catch {
        // already gone
      }
      await waitUntil(async () => !alive(pid), 10_000, 50);
      if (alive(pid)) process.kill(pid, "SIGKILL");
    }
    try {
      if (watchdog.pid) process.kill(-watchdog.pid, "SIGKILL");
    } catch {
      // already gone
    }
    await stopDir();
  };
  const ready = await waitUntil(async () => {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    await client.connect();
    await client.end();
    return true;
  }, options.startTimeoutMs ?? 30_000, 100);
  if (!ready) {
    const log = readFileOr(join(dir, "postgres.log"));
    await stop();
    throw new InfrastructureError(`PostgreSQL on port ${port} did not accept connections in time${log ? `; log tail:\n${log.slice(-1200)}` : ""}`);
  }
  return { url, port, dir, stop, [Symbol.asyncDispose]: stop };
}

function postmasterPid(dir: string): number | undefined {
  const first = readFileOr(join(dir, "data", "postmaster.pid")).split("\n")[0];
  const pid = Number(first);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Running (not gone, not a zombie its watchdog shell has yet to reap). */
function alive(pid: number): boolean {
  const stat = readFileOr(`/proc/${pid}/stat`);
  return stat !== "" && stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
}

function readFileOr(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

function uid(user: string): number {
  return Number(spawnSync("id", ["-u", user], { encoding: "utf8" }).stdout.trim());
}

function gid(user: string): number {
  return Number(spawnSync("id", ["-g", user], { encoding: "utf8" }).stdout.trim());
}
