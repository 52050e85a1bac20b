import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { StartedBlobStore } from "../../core/blob-store.js";
import { InfrastructureError, UsageError, describeError } from "../../core/errors.js";
import { startAzuriteNode } from "../../brokers/local/azurite-node.js";
import { faultsBehindProxies } from "../../faults/toxiproxy-for-run.js";
import { azureStore, fileStore } from "./stores.js";

/** What `--store` accepts, for help and errors. */
export const STORE_SPECS = "azurite (a private Azurite, the default), file (a temporary directory) or file:DIR";

/**
 * Open the blob store a claim-check run uploads payloads to: a private Azurite behind a
 * toxiproxy proxy (so store latency and outage can be injected), or a directory. stop() ends
 * Azurite, removes the proxy and the temporary directory.
 */
export async function startBlobStore(spec: string, options: { faults?: boolean } = {}): Promise<StartedBlobStore> {
  if (spec === "file" || spec.startsWith("file:")) {
    const temp = spec === "file" ? await mkdtemp(join(tmpdir(), "gauntlet-claim-check-")) : undefined;
    const dir = temp ?? resolve(spec.slice(5));
    const stop = async () => (temp ? rm(temp, { recursive: true, force: true }) : undefined);
    return { store: fileStore(join(dir, "payloads")), label: `file system (${temp ? "a temporary directory" : dir})`, stop, [Symbol.asyncDispose]: stop };
  }
  if (spec !== "azurite") throw new UsageError(`--store: unknown store "${spec.slice(0, 40)}"`, `use ${STORE_SPECS}`);
  const node = await startAzuriteNode();
  let proxy: Awaited<ReturnType<typeof faultsBehindProxies>> | undefined;
  try {
    let connectionString = node.connectionString;
    if (options.faults !== false) {
      const name = `gauntlet-azurite-${node.port}`;
      proxy = await faultsBehindProxies([{ name, listen: "127.0.0.1:0", upstream: `127.0.0.1:${node.port}` }], "all");
      const port = proxy.listen[name]!.split(":").pop();
      connectionString = connectionString.replace(`127.0.0.1:${node.port}`, `127.0.0.1:${port}`);
    }
    const store = azureStore(connectionString, `gauntlet-claim-check-${Date.now().toString(36)}`);
    await store.create();
    const stop = async () => {
      await proxy?.close().catch(() => {});
      await node.stop();
    };
    const label = `private Azurite (port ${node.port}${proxy ? ", through toxiproxy" : ""})`;
    return { store, label, ...(proxy ? { faults: proxy.injector } : {}), stop, [Symbol.asyncDispose]: stop };
  } catch (err) {
    await proxy?.close().catch(() => {});
    await node.stop();
    if (err instanceof InfrastructureError) throw err;
    throw new InfrastructureError(`cannot open the blob store: ${describeError(err).split("\n")[0]}`, "check that toxiproxy-server is installed (gauntlet brokers up toxiproxy), or use --store file");
  }
}
