import type { ProxiedBenchClient } from "../../core/environment.js";
import { UsageError } from "../../core/errors.js";
import type { ActiveFault } from "../../core/faults.js";
import { startToxiproxy } from "../../brokers/local/toxiproxy-server.js";
import { benchSupport } from "../../environments/start.js";
import { type NetworkFaults, networkFaults } from "../../faults/network.js";

/** A bench client whose every connection to the broker passes through a private toxiproxy. */
export interface ProxiedPath extends Omit<ProxiedBenchClient, "close"> {
  /** Add the latency toxics: ⌊L/2⌋ ms client → broker (upstream) and ⌈L/2⌉ ms broker → client (downstream). */
  addLatency(latencyMs: number): Promise<void>;
  /** Close the client, delete the proxies, stop toxiproxy. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Start toxiproxy and open the bench client for `raw` through it. How a family routes its
 * connections through proxies is its registry entry's `bench.throughProxies` (memory:// serves
 * its queue over a loopback hop, amqp:// points the URL at one proxy, kafka:// proxies every
 * advertised broker).
 */
export async function openProxiedPath(raw: string): Promise<ProxiedPath> {
  const { broker, bench } = benchSupport(raw, "bench rtt");
  if (!bench.throughProxies) throw new UsageError(`bench rtt: ${broker.scheme}:// is not available yet`, "use memory://, amqp:// or kafka://");
  const toxiproxy = await startToxiproxy();
  const cleanups: (() => Promise<void>)[] = [() => toxiproxy.stop()];
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    for (const c of cleanups.reverse()) await c().catch(() => {});
  };
  try {
    let net: NetworkFaults | undefined;
    const opened = await bench.throughProxies(raw, broker.url, async (upstreams) => {
      net = await networkFaults(
        toxiproxy.url,
        upstreams.map((upstream, i) => ({ name: `gauntlet_rtt_${i}`, listen: "127.0.0.1:0", upstream })),
        "all",
      );
      const opened = net;
      cleanups.push(() => opened.injector.close());
      return upstreams.map((_, i) => opened.listen[`gauntlet_rtt_${i}`]!);
    });
    cleanups.push(() => opened.close());
    const faults: ActiveFault[] = [];
    return {
      client: opened.client,
      target: opened.target,
      upstreams: opened.upstreams,
      async addLatency(latencyMs: number) {
        if (!net) throw new Error("bench rtt: the family opened no proxy");
        const up = Math.floor(latencyMs / 2);
        const down = latencyMs - up;
        for (const [stream, latency] of [["upstream", up], ["downstream", down]] as const) {
          if (latency > 0) faults.push(await net.injector.start({ name: "latency", atMs: 0, durationMs: 0, stream, params: { latency, jitter: 0 } }));
        }
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
