import type { Driver, StartedEnvironment } from "../../core/driver.js";
import { UsageError } from "../../core/errors.js";
import { type FaultName, LEADER_FAULTS, PARTITION_FAULTS, protocolFaultsOf } from "../../core/faults.js";
import type { RabbitMqClusterState } from "../../brokers/local/rabbitmq-cluster.js";
import { rabbitMqClusterControl } from "../../brokers/local/rabbitmq-cluster-control.js";
import { readState, writeState } from "../../brokers/local/state.js";
import { CLUSTER_FAULTS, clusterFaults } from "../../faults/cluster-faults.js";
import { clusterProtocolFaults, combineInjectors } from "../../faults/protocol/faults.js";
import { AmqpDriver, type AmqpSettings } from "../../drivers/amqp/driver.js";
import { ClusterClients } from "../../drivers/amqp/placement.js";

const CLUSTER_ONLY: readonly string[] = [...PARTITION_FAULTS, ...LEADER_FAULTS];

/**
 * When the URL names a node of the cluster `gauntlet brokers up rabbitmq --nodes N` started, the
 * run gets the whole cluster: clients placed on the nodes (placement.ts, failing over), each op
 * recording the node that served it, and the cluster's
 * faults (partitions, node and leader faults), and AMQP protocol faults through a protocol proxy
 * in front of each node. Returns undefined for any other URL, after
 * refusing cluster-only faults there.
 */
export async function startAmqpClusterEnvironment(redacted: string, url: URL, settings: AmqpSettings, options: { faults?: readonly FaultName[] }): Promise<StartedEnvironment | undefined> {
  const faults = options.faults ?? [];
  const state = await readState<RabbitMqClusterState>("rabbitmq-cluster");
  const member = state?.nodes.some((n) => n.address === url.hostname);
  if (!state || !member) {
    const wanted = faults.filter((f) => CLUSTER_ONLY.includes(f));
    if (wanted.length) throw new UsageError(`--faults ${wanted.join(",")} need a cluster Gauntlet started`, "run npx gauntlet brokers up rabbitmq --nodes 3 and use the URL it prints (see docs/clusters.md)");
    return undefined;
  }
  const protocolNames = protocolFaultsOf("amqp-0-9-1");
  const offered = [...CLUSTER_FAULTS, ...protocolNames];
  const unsupported = faults.filter((f) => !offered.includes(f));
  if (unsupported.length) throw new UsageError(`--faults ${unsupported.join(",")}: not available on a cluster (clients reach the nodes directly, not through toxiproxy)`, `on a cluster use ${offered.join(", ")}`);
  // Protocol faults: a protocol proxy in front of each node; clients reach the nodes through them.
  const proxied = faults.some((f) => protocolNames.includes(f)) ? await clusterProtocolFaults("amqp-0-9-1", state.nodes.map((n) => `${n.address}:5672`), "all") : undefined;
  const nodes = state.nodes.map((n, i) => {
    const u = new URL(settings.url);
    const [host, port] = proxied ? proxied.listens[i]!.split(":") : [n.address, "5672"];
    u.hostname = host!;
    u.port = port!;
    return u.toString();
  });
  // Which node serves which client (placement.ts): recorded on each op, and what partition-producer-node isolates.
  const clients = new ClusterClients();
  const nodeNames = state.nodes.map((n) => n.name);
  const control = () => Object.assign(rabbitMqClusterControl(state, () => writeState("rabbitmq-cluster", state)), { producerNode: () => clients.producerNode() });
  const nemesis = faults.some((f) => CLUSTER_FAULTS.includes(f)) ? clusterFaults(control()) : undefined;
  const injector = nemesis && proxied ? combineInjectors(nemesis, proxied.injector) : (nemesis ?? proxied?.injector);
  const stop = async () => {
    await injector?.healAll().catch(() => {});
    await injector?.close();
  };
  return {
    url: redacted,
    connect: async (): Promise<Driver> => AmqpDriver.connect({ ...settings, nodes, nodeNames, clients }),
    ...(injector ? { faults: injector } : {}),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
