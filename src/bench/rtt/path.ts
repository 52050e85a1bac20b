import { connect as netConnect } from "node:net";
import { type ISocketFactory, Kafka, logLevel } from "kafkajs";
import { type StartedToxiproxy, startToxiproxy } from "../../brokers/local/toxiproxy-server.js";
import { parseBrokerUrl, redact } from "../../brokers/url.js";
import { InfrastructureError, UsageError } from "../../core/errors.js";
import type { ActiveFault } from "../../core/faults.js";
import { parseKafkaUrl } from "../../drivers/kafka/settings.js";
import { type NetworkFaults, networkFaults } from "../../faults/network.js";
import { openBenchClient } from "../clients/index.js";
import type { BenchClient } from "../clients/types.js";
import { connectMemoryHop, splitHostPort, startMemoryHop } from "./memory-hop.js";

/** A bench client whose every connection to the broker passes through a private toxiproxy. */
export interface ProxiedPath {
  client: BenchClient;
  /** What sits behind the proxy, in words, for the output. */
  target: string;
  /** host:port the proxy forwards to. */
  upstreams: string[];
  /** Add the latency toxics: ⌊L/2⌋ ms client → broker (upstream) and ⌈L/2⌉ ms broker → client (downstream). */
  addLatency(latencyMs: number): Promise<void>;
  /** Close the client, delete the proxies, stop toxiproxy. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Start toxiproxy and open the bench client for `raw` through it:
 * - memory:// — bench's in-process queue behind a loopback TCP hop (memory-hop.ts), proxied;
 * - amqp:// — one proxy in front of host:port, the URL pointed at it;
 * - kafka:// — one proxy per bootstrap address and per broker of the cluster's metadata, and a
 *   kafkajs socketFactory that opens every broker connection through its proxy (Kafka advertises
 *   its own addresses, so proxying only the bootstrap server would leave produce requests direct).
 */
export async function openProxiedPath(raw: string): Promise<ProxiedPath> {
  const { scheme, url } = parseBrokerUrl(raw);
  if (scheme === "servicebus" || scheme === "servicebus-emulator") throw new UsageError(`bench rtt: ${scheme}:// is not available yet`, "use memory://, amqp:// or kafka://");
  const toxiproxy = await startToxiproxy();
  const cleanups: (() => Promise<void>)[] = [() => toxiproxy.stop()];
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    for (const c of cleanups.reverse()) await c().catch(() => {});
  };
  try {
    const open = await openThrough(scheme, raw, url, toxiproxy, cleanups);
    const faults: ActiveFault[] = [];
    return {
      ...open,
      async addLatency(latencyMs: number) {
        const up = Math.floor(latencyMs / 2);
        const down = latencyMs - up;
        for (const [stream, latency] of [["upstream", up], ["downstream", down]] as const) {
          if (latency > 0) faults.push(await open.net.injector.start({ name: "latency", atMs: 0, durationMs: 0, stream, params: { latency, jitter: 0 } }));
        }
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

interface Opened {
  client: BenchClient;
  target: string;
  upstreams: string[];
  net: NetworkFaults;
}

async function openThrough(scheme: string, raw: string, url: URL, toxiproxy: StartedToxiproxy, cleanups: (() => Promise<void>)[]): Promise<Opened> {
  const proxies = async (upstreams: string[]) => {
    const net = await networkFaults(
      toxiproxy.url,
      upstreams.map((upstream, i) => ({ name: `gauntlet_rtt_${i}`, listen: "127.0.0.1:0", upstream })),
      "all",
    );
    cleanups.push(() => net.injector.close());
    return net;
  };
  if (scheme === "memory") {
    const hop = await startMemoryHop(url);
    cleanups.push(() => hop.close());
    const net = await proxies([hop.address]);
    const client = await connectMemoryHop(net.listen.gauntlet_rtt_0!);
    cleanups.push(() => client.close());
    return { client, target: "memory:// — Gauntlet's real-time in-process queue served over a loopback TCP hop", upstreams: [hop.address], net };
  }
  if (scheme === "amqp") {
    const upstream = `${url.hostname}:${url.port || "5672"}`;
    const net = await proxies([upstream]);
    const [host, port] = splitHostPort(net.listen.gauntlet_rtt_0!);
    const proxied = new URL(raw);
    proxied.hostname = host;
    proxied.port = String(port);
    const client = await openBenchClient(proxied.toString());
    cleanups.push(() => client.close());
    return { client, target: `RabbitMQ at ${redact(raw)}`, upstreams: [upstream], net };
  }
  // kafka: learn every broker's advertised address first (directly), then proxy each one.
  const bootstrap = parseKafkaUrl(url).brokers;
  const advertised = await brokerAddresses(bootstrap, redact(raw));
  const upstreams = [...new Set([...bootstrap, ...advertised])];
  const net = await proxies(upstreams);
  const via = new Map(upstreams.map((u, i) => [u, net.listen[`gauntlet_rtt_${i}`]!]));
  const socketFactory: ISocketFactory = ({ host, port, onConnect }) => {
    const target = via.get(`${host}:${port}`);
    if (!target) throw new Error(`bench rtt: no proxy for Kafka broker ${host}:${port} (it was not in the cluster metadata)`);
    const [h, p] = splitHostPort(target);
    const socket = netConnect({ host: h, port: p, noDelay: true }, onConnect);
    socket.setKeepAlive(true, 60_000);
    return socket;
  };
  const client = await openBenchClient(raw, { kafka: { socketFactory } });
  cleanups.push(() => client.close());
  return { client, target: `Kafka at ${redact(raw)}`, upstreams, net };
}

async function brokerAddresses(bootstrap: string[], redacted: string): Promise<string[]> {
  const admin = new Kafka({ clientId: "gauntlet-bench-rtt", brokers: bootstrap, logLevel: logLevel.NOTHING, connectionTimeout: 3_000, retry: { retries: 2 } }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.map((b) => `${b.host}:${b.port}`);
  } catch (err) {
    throw new InfrastructureError(`cannot connect to Kafka at ${redacted}: ${(err as Error).message}`, "is the broker running? npx gauntlet brokers up kafka starts a local one");
  } finally {
    await admin.disconnect().catch(() => {});
  }
}
