import type { BenchClient } from "../core/bench-client.js";
import { UsageError } from "../core/errors.js";
import { FAULTS, type FaultInfo } from "../core/faults.js";
import { benchSupport } from "../environments/start.js";
import { type ProxyProtocol, type StartedProtocolProxy, startProtocolProxy } from "../faults/protocol/proxy.js";
import type { MatrixRow, ProxyOverhead } from "./types.js";

/**
 * A bench client whose every broker connection goes through an idle protocol proxy (the one
 * protocol faults use, no rule in force), in this process; closing it stops the proxies.
 */
export async function openThroughProtocolProxy(raw: string): Promise<BenchClient> {
  const { broker, bench } = benchSupport(raw, "bench send-modes --protocol-proxy");
  const protocol = broker.family.faults.map((f) => (FAULTS[f] as FaultInfo).protocol).find((p): p is ProxyProtocol => p === "amqp-0-9-1" || p === "kafka");
  if (!protocol || !bench.throughProxies) throw new UsageError(`--protocol-proxy: ${broker.scheme}:// has no protocol proxy`, "use amqp:// or kafka://");
  const proxies: StartedProtocolProxy[] = [];
  const stopAll = async () => void (await Promise.allSettled(proxies.map((p) => p.stop())));
  try {
    const proxied = await bench.throughProxies(raw, broker.url, async (upstreams) => {
      for (const upstream of upstreams) proxies.push(await startProtocolProxy({ protocol, listen: "127.0.0.1:0", upstream }));
      return proxies.map((p) => p.listen);
    });
    const c = proxied.client;
    return {
      family: c.family,
      environment: c.environment,
      settings: { ...c.settings, via: `protocol proxy (${protocol})` },
      sendOne: (payload, key) => c.sendOne(payload, key),
      sendBatch: (payloads) => c.sendBatch(payloads),
      consume: (onDelivery) => c.consume(onDelivery),
      versions: () => c.versions(),
      close: async () => {
        await proxied.close();
        await stopAll();
      },
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** Compare two runs' matrices cell by cell. */
export function proxyOverhead(direct: readonly MatrixRow[], proxied: readonly MatrixRow[], proxy: string): ProxyOverhead {
  const rows = direct.map((d) => {
    const p = proxied.find((r) => r.cell === d.cell)?.msgsPerSec ?? 0;
    return { cell: d.cell, direct: d.msgsPerSec, proxied: p, ratio: d.msgsPerSec > 0 ? Math.round((p / d.msgsPerSec) * 1000) / 1000 : 0 };
  });
  return { proxy, rows, minRatio: rows.length ? Math.min(...rows.map((r) => r.ratio)) : 0 };
}

/** The comparison as text lines for the console. */
export function formatProxyOverhead(o: ProxyOverhead): string {
  const lines = [`through ${o.proxy} (idle, no fault in force) vs direct:`, "cell                      direct msgs/s  proxied msgs/s  ratio"];
  for (const r of o.rows) lines.push(`${r.cell.padEnd(26)}${String(Math.round(r.direct)).padStart(13)}  ${String(Math.round(r.proxied)).padStart(14)}  ${r.ratio.toFixed(2).padStart(5)}`);
  lines.push(`lowest ratio: ${o.minRatio.toFixed(2)}`);
  return lines.join("\n");
}
