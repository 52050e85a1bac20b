import type { Driver, StartedEnvironment } from "../../core/driver.js";
import type { FaultInjector, FaultName } from "../../core/faults.js";
import { NETWORK_FAULTS, PROCESS_FAULTS, protocolFaultsOf } from "../../core/faults.js";
import { InfrastructureError, UsageError } from "../../core/errors.js";
import { kafkaProcessControl } from "../../brokers/local/kafka-control.js";
import type { KafkaNodeState } from "../../brokers/local/kafka-node.js";
import { alive, readState } from "../../brokers/local/state.js";
import { startProcessFault } from "../../faults/process.js";
import { faultsBehindProxies } from "../../faults/toxiproxy-for-run.js";
import { proxiesFor } from "../../faults/protocol/chain.js";
import { KAFKA_CONSUMER_FAULTS } from "../../faults/protocol/faults.js";
import { withDeadline } from "../../core/deadline.js";
import { KafkaDriver } from "../../drivers/kafka/driver.js";
import { startKafkaClusterEnvironment } from "./cluster-environment.js";
import { type KafkaSettings, parseKafkaUrl } from "../../drivers/kafka/settings.js";

/** An external Kafka reached by URL; each connect() opens a driver with its own topics and groups. */
export async function startKafkaEnvironment(redacted: string, url: URL, options: { faults?: readonly FaultName[] } = {}, connectTimeoutMs = 10_000): Promise<StartedEnvironment> {
  const settings = parseKafkaUrl(url);
  // Fail fast (exit 4, within seconds) when no broker answers.
  const probe = await withDeadline(KafkaDriver.connect({ ...settings, retries: 1 }, { connectionTimeoutMs: 2_000 }), connectTimeoutMs).catch((err: Error) => {
    throw new InfrastructureError(`cannot connect to Kafka at ${redacted}: ${err.message}`, "is the broker running? npx gauntlet brokers up kafka starts a local one");
  });
  await probe.close();
  const cluster = await startKafkaClusterEnvironment(redacted, settings, options);
  if (cluster) return cluster;
  const faulty = options.faults?.length ? await kafkaFaults(settings, options.faults) : undefined;
  // Faults on consumers' frames (OffsetCommit) put every client behind the proxy, not only producers.
  const driverSettings: KafkaSettings = !faulty ? settings : faulty.everyone ? { ...settings, brokers: [faulty.producerBootstrap], producerBrokers: [faulty.producerBootstrap] } : { ...settings, producerBrokers: [faulty.producerBootstrap] };
  const stop = async () => {
    await faulty?.close();
  };
  return {
    url: redacted,
    connect: async (): Promise<Driver> => KafkaDriver.connect(driverSettings),
    ...(faulty ? { faults: faulty.injector } : {}),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

/**
 * Faults need a node Gauntlet started (`gauntlet brokers up kafka`): its PROXIED listener is
 * advertised at the port where toxiproxy listens, so producers that bootstrap there stay behind
 * the proxy. Network faults hit producers only (consumers read directly), so a duplicate can only
 * come from a producer retry; process faults signal the node itself.
 */
async function kafkaFaults(settings: KafkaSettings, names: readonly FaultName[]): Promise<{ injector: FaultInjector; producerBootstrap: string; everyone: boolean; close(): Promise<void> }> {
  const node = await readState<KafkaNodeState>("kafka");
  const port = Number(settings.brokers[0]?.split(":")[1]);
  if (!node || !alive(node.pid) || node.port !== port || settings.brokers.length !== 1) {
    throw new UsageError("--faults on kafka:// needs the Kafka node from `gauntlet brokers up kafka` (its proxied listener and process are known)", "npx gauntlet brokers up kafka, then use the url `npx gauntlet brokers status` prints");
  }
  const offered = [...NETWORK_FAULTS, ...PROCESS_FAULTS, ...protocolFaultsOf("kafka")] as readonly string[];
  const unknown = names.filter((n) => !offered.includes(n));
  if (unknown.length) throw new UsageError(`--faults: ${unknown.join(", ")} not available on kafka://`, `available on kafka://: ${offered.join(", ")}`);
  const control = kafkaProcessControl(node, true);
  const everyone = names.some((n) => KAFKA_CONSUMER_FAULTS.includes(n));
  const scope = everyone ? "all" : "producers";
  // Producers bootstrap at proxyPort, which the node advertises: toxiproxy and/or the protocol proxy listen there.
  const net = await proxiesFor({
    protocol: "kafka",
    names,
    listen: `127.0.0.1:${node.proxyPort}`,
    upstream: `127.0.0.1:${node.proxiedPort}`,
    scope,
    toxiproxy: async (listen, upstream) => {
      const t = await faultsBehindProxies([{ name: `gauntlet-kafka-${node.port}`, listen, upstream }], scope, {
        available: [...PROCESS_FAULTS],
        start: (step) => startProcessFault(control, step),
      });
      return { injector: t.injector, listen: Object.values(t.listen)[0]!, close: t.close };
    },
  });
  return { injector: net.injector, producerBootstrap: `127.0.0.1:${node.proxyPort}`, everyone, close: net.close };
}
