import { connect as netConnect } from "node:net";
import { type ISocketFactory, Kafka, logLevel } from "kafkajs";
import type { ProxiedBenchClient, ProxyOpener } from "../../core/environment.js";
import { InfrastructureError } from "../../core/errors.js";
import { parseKafkaUrl } from "../../drivers/kafka/settings.js";
import { splitHostPort } from "../memory/rtt-hop.js";
import { redact } from "../redact.js";
import { openKafkaBenchClient } from "./bench-client.js";

/**
 * kafka:// for `bench rtt`: one proxy per bootstrap address and per broker of the cluster's
 * metadata, and a kafkajs socketFactory that opens every broker connection through its proxy
 * (Kafka advertises its own addresses, so proxying only the bootstrap server would leave produce
 * requests direct).
 */
export async function kafkaThroughProxies(raw: string, url: URL, proxy: ProxyOpener): Promise<ProxiedBenchClient> {
  const bootstrap = parseKafkaUrl(url).brokers;
  const advertised = await brokerAddresses(bootstrap, redact(raw));
  const upstreams = [...new Set([...bootstrap, ...advertised])];
  const listens = await proxy(upstreams);
  const via = new Map(upstreams.map((u, i) => [u, listens[i]!]));
  const socketFactory: ISocketFactory = ({ host, port, onConnect }) => {
    const target = via.get(`${host}:${port}`);
    if (!target) throw new Error(`bench rtt: no proxy for Kafka broker ${host}:${port} (it was not in the cluster metadata)`);
    const [h, p] = splitHostPort(target);
    const socket = netConnect({ host: h, port: p, noDelay: true }, onConnect);
    socket.setKeepAlive(true, 60_000);
    return socket;
  };
  const client = await openKafkaBenchClient(redact(raw), url, { socketFactory });
  return { client, target: `Kafka at ${redact(raw)}`, upstreams, close: () => client.close() };
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
