import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { InfrastructureError } from "../../core/errors.js";
import { freePort, waitUntil } from "./free-port.js";
import { spawnTiedToThisProcess } from "./tied-process.js";

/** Azurite's well-known development account (public, documented by Microsoft; not a secret). */
const ACCOUNT = "devstoreaccount1";
const KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
export const AZURITE_INSTALL = "npm install --save-dev azurite";

/** A private Azurite blob service Gauntlet started: its own port and data directory. */
export interface StartedAzuriteNode {
  connectionString: string;
  port: number;
  dir: string;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** The path of Azurite's blob server script, or undefined when the npm package is missing. */
export function azuriteBlobScript(): string | undefined {
  try {
    const pkg = createRequire(import.meta.url).resolve("azurite/package.json");
    const script = join(dirname(pkg), "dist", "src", "blob", "main.js");
    return existsSync(script) ? script : undefined;
  } catch {
    return undefined;
  }
}

/** Start Azurite's blob service on a free loopback port in a temporary directory; stop() ends it and removes the directory (a watchdog does both if Gauntlet dies). */
export async function startAzuriteNode(options: { startTimeoutMs?: number } = {}): Promise<StartedAzuriteNode> {
  const script = azuriteBlobScript();
  if (!script) throw new InfrastructureError("Azurite is not installed (the npm package azurite)", AZURITE_INSTALL);
  const dir = await mkdtemp(join(tmpdir(), "gauntlet-azurite-"));
  const port = await freePort();
  const child = spawnTiedToThisProcess(process.execPath, [script, "--blobHost", "127.0.0.1", "--blobPort", String(port), "--location", dir, "--silent", "--skipApiVersionCheck", "--loose", "--disableTelemetry"], { log: join(dir, "azurite.log"), dir });
  const connectionString = `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${KEY};BlobEndpoint=http://127.0.0.1:${port}/${ACCOUNT};`;
  const stop = async () => {
    try {
      if (child.pid) process.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
    await rm(dir, { recursive: true, force: true });
  };
  const ready = await waitUntil(() => listening(port), options.startTimeoutMs ?? 20_000, 100);
  if (!ready) {
    await stop();
    throw new InfrastructureError(`Azurite on port ${port} did not listen in time`, AZURITE_INSTALL);
  }
  return { connectionString, port, dir, stop, [Symbol.asyncDispose]: stop };
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
