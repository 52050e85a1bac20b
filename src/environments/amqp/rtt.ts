import type { ProxiedBenchClient, ProxyOpener } from "../../core/environment.js";
import { splitHostPort } from "../memory/rtt-hop.js";
import { redact } from "../redact.js";
import { openAmqpBenchClient } from "./bench-client.js";

/** amqp:// for `bench rtt`: one proxy in front of host:port, the URL pointed at it (RabbitMQ advertises nothing). */
export async function amqpThroughProxies(raw: string, url: URL, proxy: ProxyOpener): Promise<ProxiedBenchClient> {
  const upstream = `${url.hostname}:${url.port || "5672"}`;
  const [listen] = await proxy([upstream]);
  const [host, port] = splitHostPort(listen!);
  const proxied = new URL(raw);
  proxied.hostname = host;
  proxied.port = String(port);
  const client = await openAmqpBenchClient(redact(proxied.toString()), proxied);
  return { client, target: `RabbitMQ at ${redact(raw)}`, upstreams: [upstream], close: () => client.close() };
}
