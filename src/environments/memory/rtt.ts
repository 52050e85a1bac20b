import type { ProxiedBenchClient, ProxyOpener } from "../../core/environment.js";
import { connectMemoryHop, startMemoryHop } from "./rtt-hop.js";

/** memory:// for `bench rtt`: the real-time in-process queue served over a loopback TCP hop, proxied. */
export async function memoryThroughProxies(_raw: string, url: URL, proxy: ProxyOpener): Promise<ProxiedBenchClient> {
  const hop = await startMemoryHop(url);
  try {
    const [listen] = await proxy([hop.address]);
    const client = await connectMemoryHop(listen!);
    return {
      client,
      target: "memory:// — Gauntlet's real-time in-process queue served over a loopback TCP hop",
      upstreams: [hop.address],
      close: async () => {
        await client.close().catch(() => {});
        await hop.close();
      },
    };
  } catch (err) {
    await hop.close();
    throw err;
  }
}
