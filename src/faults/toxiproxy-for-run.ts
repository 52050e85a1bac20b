import { readState } from "../brokers/local/state.js";
import { alive } from "../brokers/local/state.js";
import { type ToxiproxyState, startToxiproxy } from "../brokers/local/toxiproxy-server.js";

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
