import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Toxiproxy } from "toxiproxy-node-client";
import { InfrastructureError } from "../../core/errors.js";
import { freePort, waitUntil } from "./free-port.js";
import type { ServiceState } from "./service.js";
import { alive } from "./state.js";
import { spawnTiedToThisProcess } from "./tied-process.js";
import { TOXIPROXY_INSTALL, toxiproxyBinary, toxiproxyInstalled } from "./toxiproxy-install.js";

export interface ToxiproxyState extends ServiceState {
  port: number;
}

export interface StartedToxiproxy {
  state: ToxiproxyState;
  /** API URL, e.g. http://127.0.0.1:8474 */
  url: string;
  /** A toxiproxy-node-client on that API. */
  client: Toxiproxy;
  stop(): Promise<void>;
}

/** Start a toxiproxy server on a free loopback port and wait for GET /version. */
export async function startToxiproxy(options: { keepRunning?: boolean } = {}): Promise<StartedToxiproxy> {
  if (!toxiproxyInstalled()) throw new InfrastructureError("toxiproxy is not installed", TOXIPROXY_INSTALL);
  const dir = await mkdtemp(join(tmpdir(), "gauntlet-toxiproxy-"));
  const port = await freePort();
  const args = ["-host", "127.0.0.1", "-port", String(port)];
  // `brokers up` keeps it after we exit; a run's private one dies with the run, even a SIGKILLed one.
  const child = options.keepRunning ? spawnDetached(toxiproxyBinary(), args, join(dir, "toxiproxy.log")) : spawnTiedToThisProcess(toxiproxyBinary(), args, { log: join(dir, "toxiproxy.log"), dir });
  const state: ToxiproxyState = { pid: child.pid ?? 0, dir, port, url: `http://127.0.0.1:${port}` };
  const stop = () => stopToxiproxy(state);
  const ready = await waitUntil(async () => (await fetch(`${state.url}/version`)).ok, 10_000, 50);
  if (!ready) {
    await stop();
    throw new InfrastructureError(`toxiproxy on port ${port} did not answer in time`);
  }
  if (options.keepRunning) child.unref();
  return { state, url: state.url, client: new Toxiproxy(state.url), stop };
}

function spawnDetached(command: string, args: string[], logFile: string): ChildProcess {
  const log = openSync(logFile, "a");
  try {
    return spawn(command, args, { detached: true, stdio: ["ignore", log, log] });
  } finally {
    closeSync(log);
  }
}

export async function stopToxiproxy(state: ToxiproxyState): Promise<void> {
  try {
    process.kill(-state.pid, "SIGTERM");
  } catch {
    // already gone
  }
  if (!(await waitUntil(async () => !alive(state.pid), 3_000, 50))) {
    try {
      process.kill(-state.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  await rm(state.dir, { recursive: true, force: true });
}
