import { join } from "node:path";
import type { ClusterService } from "./cluster-service.js";
import { type KafkaClusterState, kafkaClusterAlive, startKafkaCluster, stopKafkaCluster } from "./kafka-cluster.js";
import { parseKafkaVersion } from "./kafka-install.js";
import { kafkaService } from "./kafka-service.js";

/** Kafka (KRaft) as a cluster of private nodes in network namespaces (see kafka-cluster.ts). */
export const kafkaClusterService: ClusterService<KafkaClusterState> = {
  name: "kafka-cluster",
  base: "kafka",
  options: ["nodes"],
  installHint: kafkaService.installHint,
  installed: kafkaService.installed,
  location: kafkaService.location,
  install: kafkaService.install,
  async start() {
    return (await startKafkaCluster({ nodes: 3, keepRunning: true, version: parseKafkaVersion(undefined) })).state;
  },
  async startCluster(options) {
    return (await startKafkaCluster({ nodes: options.nodes, keepRunning: true, version: parseKafkaVersion(undefined) })).state;
  },
  running: kafkaClusterAlive,
  stop: stopKafkaCluster,
  logFiles: (state) => state.nodes.map((n) => join(n.dir, "server.log")),
  describe: (state) => ({
    version: state.version,
    mode: "KRaft, every node broker and controller",
    // Where a run's protocol proxies listen (each node's PROXIED listener advertises its port).
    ...(state.nodes.every((n) => n.proxyPort !== undefined) ? { protocolProxies: state.nodes.map((n) => `127.0.0.1:${n.proxyPort}`) } : {}),
  }),
};
