import type { Driver, StartedEnvironment } from "../../core/driver.js";
import { UsageError } from "../../core/errors.js";
import { type FaultName, LEADER_FAULTS, PARTITION_FAULTS, protocolFaultsOf } from "../../core/faults.js";
import { KAFKA_CLIENT_PORT, KAFKA_PROXIED_PORT, type KafkaClusterState } from "../../brokers/local/kafka-cluster.js";
import { kafkaClusterControl } from "../../brokers/local/kafka-cluster-control.js";
import { readState, writeState } from "../../brokers/local/state.js";
import { CLUSTER_FAULTS, clusterFaults } from "../../faults/cluster-faults.js";
import { KAFKA_CONSUMER_FAULTS, clusterProtocolFaults, combineInjectors } from "../../faults/protocol/faults.js";
import { KafkaDriver } from "../../drivers/kafka/driver.js";
import type { KafkaSettings } from "../../drivers/kafka/settings.js";

const CLUSTER_ONLY: readonly string[] = [...PARTITION_FAULTS, ...LEADER_FAULTS];

/**
 * When the URL names nodes of the cluster `gauntlet brokers up kafka --nodes N` started, the run
 * gets the whole cluster: every node bootstraps the clients, topics replicate to min(3, N) nodes
 * unless the URL says otherwise (`replication-factor=`), and the cluster's faults (partitions,
 * node and leader faults) are available, and Kafka protocol faults through a protocol proxy in
 * front of each node's PROXIED listener (advertised at the proxy's port, so clients that
 * bootstrap there stay behind the proxies whichever node leads). Returns undefined for any other
 * URL, after refusing cluster-only faults there.
 */
export async function startKafkaClusterEnvironment(redacted: string, settings: KafkaSettings, options: { faults?: readonly FaultName[] }): Promise<StartedEnvironment | undefined> {
  const faults = options.faults ?? [];
  const state = await readState<KafkaClusterState>("kafka-cluster");
  const member = state !== undefined && settings.brokers.some((b) => state.nodes.some((n) => b === `${n.address}:${KAFKA_CLIENT_PORT}`));
  if (!state || !member) {
    const wanted = faults.filter((f) => CLUSTER_ONLY.includes(f));
    if (wanted.length) throw new UsageError(`--faults ${wanted.join(",")} need a cluster Gauntlet started`, "run npx gauntlet brokers up kafka --nodes 3 and use the URL it prints (see docs/clusters.md)");
    return undefined;
  }
  const protocolNames = protocolFaultsOf("kafka");
  const offered = [...CLUSTER_FAULTS, ...protocolNames];
  const unsupported = faults.filter((f) => !offered.includes(f));
  if (unsupported.length) throw new UsageError(`--faults ${unsupported.join(",")}: not available on a cluster (clients reach the nodes directly, not through toxiproxy)`, `on a cluster use ${offered.join(", ")}`);
  const wantsProtocol = faults.some((f) => protocolNames.includes(f));
  if (wantsProtocol && state.nodes.some((n) => n.proxyPort === undefined)) {
    throw new UsageError("--faults: this Kafka cluster was started without proxied listeners (before protocol faults reached clusters)", "restart it: npx gauntlet brokers down kafka && npx gauntlet brokers up kafka --nodes 3");
  }
  // Protocol faults: a proxy per node at the port its PROXIED listener advertises. Producers
  // bootstrap there; consumers too when the fault acts on their frames (as on a single node).
  const everyone = faults.some((f) => KAFKA_CONSUMER_FAULTS.includes(f));
  const proxied = wantsProtocol
    ? await clusterProtocolFaults(
        "kafka",
        state.nodes.map((n) => `${n.address}:${KAFKA_PROXIED_PORT}`),
        everyone ? "all" : "producers",
        state.nodes.map((n) => `127.0.0.1:${n.proxyPort}`),
      )
    : undefined;
  const direct = state.nodes.map((n) => `${n.address}:${KAFKA_CLIENT_PORT}`);
  const driverSettings: KafkaSettings = {
    ...settings,
    brokers: proxied && everyone ? proxied.listens : direct,
    ...(proxied ? { producerBrokers: proxied.listens } : {}),
    replicationFactor: settings.replicationFactor ?? Math.min(3, state.nodes.length),
  };
  const nemesis = faults.some((f) => CLUSTER_FAULTS.includes(f)) ? clusterFaults(kafkaClusterControl(state, () => writeState("kafka-cluster", state))) : undefined;
  const injector = nemesis && proxied ? combineInjectors(nemesis, proxied.injector) : (nemesis ?? proxied?.injector);
  const stop = async () => {
    await injector?.healAll().catch(() => {});
    await injector?.close();
  };
  return {
    url: redacted,
    connect: async (): Promise<Driver> => KafkaDriver.connect(driverSettings),
    ...(injector ? { faults: injector } : {}),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
