import { alive, readState } from "../brokers/local/state.js";
import { type ToxiproxyState, startToxiproxy } from "../brokers/local/toxiproxy-server.js";
import type { FaultInjector, FaultScope } from "../core/faults.js";
import { type ProxySpec, networkFaults } from "./network.js";

/**
 * The toxiproxy a run uses: the one `gauntlet brokers up toxiproxy` started, or a private one
 * started now and stopped by release().
 */
export async function acquireToxiproxy(): Promise<{ url: string; release(): Promise<void> }> {
  const shared = await readState<ToxiproxyState>("toxiproxy");
  if (shared && alive(shared.pid)) return { url: shared.url, release: async () => {} };
  const own = await startToxiproxy();
  return { url: own.url, release: own.stop };
}

/**
 * Proxies in front of a broker on the run's toxiproxy, with an injector over them; close() heals,
 * removes the proxies and stops a private toxiproxy. What every environment with faults needs.
 */
export async function faultsBehindProxies(
  proxies: ProxySpec[],
  scope: FaultScope,
  extra?: Partial<Pick<FaultInjector, "available" | "start">>,
): Promise<{ injector: FaultInjector; listen: Record<string, string>; close(): Promise<void> }> {
  const toxiproxy = await acquireToxiproxy();
  try {
    const net = await networkFaults(toxiproxy.url, proxies, scope, extra);
    return {
      ...net,
      close: async () => {
        await net.injector.healAll().catch(() => {});
        await net.injector.close();
        await toxiproxy.release();
      },
    };
  } catch (err) {
    await toxiproxy.release();
    throw err;
  }
}
