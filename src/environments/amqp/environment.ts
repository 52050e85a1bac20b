import type { Driver, StartedEnvironment } from "../../core/driver.js";
import { InfrastructureError, UsageError } from "../../core/errors.js";
import { type FaultInjector, type FaultName, NETWORK_FAULTS, PROCESS_FAULTS, protocolFaultsOf } from "../../core/faults.js";
import { rabbitMqProcessControl } from "../../brokers/local/rabbitmq-control.js";
import type { RabbitMqNodeState } from "../../brokers/local/rabbitmq-node.js";
import { alive, readState } from "../../brokers/local/state.js";
import { startProcessFault } from "../../faults/process.js";
import { withDeadline } from "../../core/deadline.js";
import { faultsBehindProxies } from "../../faults/toxiproxy-for-run.js";
import { proxiesFor } from "../../faults/protocol/chain.js";
import { AmqpDriver, type AmqpSettings } from "../../drivers/amqp/driver.js";
import { parseAmqpUrl } from "../../drivers/amqp/settings.js";
import { startAmqpClusterEnvironment } from "./cluster-environment.js";

/** An external RabbitMQ reached by URL; each connect() opens a fresh driver with its own entities. */
export async function startAmqpEnvironment(redacted: string, url: URL, options: { faults?: readonly FaultName[] } = {}, connectTimeoutMs = 10_000): Promise<StartedEnvironment> {
  const settings = await withLocalManagement(url, parseAmqpUrl(url));
  // issue 13: a node of `gauntlet brokers up rabbitmq --nodes N` brings the whole cluster and its faults.
  const cluster = await startAmqpClusterEnvironment(redacted, url, settings, options);
  if (cluster) return cluster;
  // Fail fast (exit 4, within seconds) when the broker cannot be reached or refuses the login.
  const probe = await withDeadline(AmqpDriver.connect(settings), connectTimeoutMs).catch((err: Error) => {
    const auth = /ACCESS_REFUSED|403/.test(err.message);
    throw new InfrastructureError(
      `cannot connect to RabbitMQ at ${redacted}: ${auth ? "login refused (wrong user or password)" : err.message}`,
      auth ? "check the user and password in the URL" : "is the broker running? npx gauntlet brokers up rabbitmq starts a local one",
    );
  });
  await probe.close();
  const faulty = options.faults?.length ? await amqpNetworkFaults(settings, options.faults) : undefined;
  const driverSettings = faulty ? { ...settings, url: faulty.url } : settings;
  const stop = async () => {
    await faulty?.close();
  };
  return {
    url: redacted,
    connect: async (): Promise<Driver> => AmqpDriver.connect(driverSettings),
    ...(faulty ? { faults: faulty.injector } : {}),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

/**
 * The node from `gauntlet brokers up rabbitmq` runs its management API on a port of its own
 * (recorded in its state file): read back through that one unless the URL says `?management=`.
 */
async function withLocalManagement(url: URL, settings: AmqpSettings): Promise<AmqpSettings> {
  if (url.searchParams.has("management") || !settings.management || "off" in settings.management) return settings;
  const node = await readState<RabbitMqNodeState>("rabbitmq");
  const local = ["127.0.0.1", "localhost"].includes(url.hostname) && node && alive(node.pid) && node.port === Number(url.port || 5672);
  if (!local) return settings;
  if (node.managementPort === undefined) return { ...settings, management: { off: "the node from `gauntlet brokers up rabbitmq` runs without the management plugin (started by an older Gauntlet: brokers down, then brokers up)" } };
  return { ...settings, management: { ...settings.management, url: `http://127.0.0.1:${node.managementPort}` } };
}

/**
 * Every client connects through a proxy in front of the broker (RabbitMQ advertises nothing):
 * toxiproxy for network faults, Gauntlet's AMQP 0-9-1 proxy for protocol faults (chained when
 * both are asked for); kill, pause and restart act on a node Gauntlet started.
 */
async function amqpNetworkFaults(settings: AmqpSettings, names: readonly FaultName[]): Promise<{ injector: FaultInjector; url: string; close(): Promise<void> }> {
  const target = new URL(settings.url);
  const wantsProcess = names.some((n) => (PROCESS_FAULTS as readonly string[]).includes(n));
  const node = wantsProcess ? await readState<RabbitMqNodeState>("rabbitmq") : undefined;
  if (wantsProcess && (!node || !alive(node.pid) || node.port !== Number(target.port) || node.distPort === undefined)) {
    throw new UsageError("--faults kill, pause and restart on amqp:// need the node from `gauntlet brokers up rabbitmq` (Gauntlet must own the process)", `available for this URL: ${[...NETWORK_FAULTS, ...protocolFaultsOf("amqp-0-9-1")].join(", ")}; for process faults run npx gauntlet brokers up rabbitmq and use the URL \`npx gauntlet brokers status\` prints`);
  }
  const control = node ? rabbitMqProcessControl(node) : undefined;
  const net = await proxiesFor({
    protocol: "amqp-0-9-1",
    names,
    listen: "127.0.0.1:0",
    upstream: `${target.hostname}:${target.port || 5672}`,
    scope: "all",
    toxiproxy: async (listen, upstream) => {
      const t = await faultsBehindProxies(
        [{ name: `gauntlet-amqp-${target.port || 5672}-${process.pid}`, listen, upstream }],
        "all",
        control ? { available: [...PROCESS_FAULTS], start: (step) => startProcessFault(control, step) } : undefined,
      );
      return { injector: t.injector, listen: Object.values(t.listen)[0]!, close: t.close };
    },
  });
  const proxied = new URL(settings.url);
  proxied.hostname = "127.0.0.1";
  proxied.port = String(net.listen.split(":").pop());
  return { injector: net.injector, url: proxied.toString(), close: net.close };
}
