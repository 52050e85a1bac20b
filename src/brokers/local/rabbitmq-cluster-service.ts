import { join } from "node:path";
import type { ClusterService } from "./cluster-service.js";
import { type RabbitMqClusterState, clusterAlive, startRabbitMqCluster, stopRabbitMqCluster } from "./rabbitmq-cluster.js";
import { rabbitmqService } from "./rabbitmq-service.js";

/** RabbitMQ as a cluster of private nodes in network namespaces (see rabbitmq-cluster.ts). */
export const rabbitmqClusterService: ClusterService<RabbitMqClusterState> = {
  name: "rabbitmq-cluster",
  base: "rabbitmq",
  options: ["nodes", "partitionHandling", "mirrored"],
  installHint: rabbitmqService.installHint,
  installed: rabbitmqService.installed,
  location: rabbitmqService.location,
  install: rabbitmqService.install,
  async start() {
    return (await startRabbitMqCluster({ nodes: 3, keepRunning: true })).state;
  },
  async startCluster(options) {
    return (await startRabbitMqCluster({ ...options, keepRunning: true })).state;
  },
  running: clusterAlive,
  stop: stopRabbitMqCluster,
  logFiles: (state) => state.nodes.map((n) => join(n.dir, "log", `${n.name}.log`)),
  describe: (state) => ({ partitionHandling: state.partitionHandling, mirrored: state.mirrored }),
};
