import { join } from "node:path";
import { listNetworkLeftovers } from "./netns.js";
import { type RabbitMqClusterOptions, type RabbitMqClusterState, clusterAlive, startRabbitMqCluster, stopRabbitMqCluster } from "./rabbitmq-cluster.js";
import { rabbitmqService } from "./rabbitmq-service.js";
import type { LocalService } from "./service.js";

/** A local service that runs as N nodes (`gauntlet brokers up <name> --nodes N`). */
export interface ClusterService<S extends RabbitMqClusterState = RabbitMqClusterState> extends LocalService<S> {
  /** The single-node service this is the cluster form of (`rabbitmq`). */
  readonly base: string;
  startCluster(options: RabbitMqClusterOptions): Promise<S>;
  running(state: S): boolean;
}

/** RabbitMQ as a cluster of private nodes in network namespaces (see rabbitmq-cluster.ts). */
export const rabbitmqClusterService: ClusterService = {
  name: "rabbitmq-cluster",
  base: "rabbitmq",
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
};

/** Every cluster service `gauntlet brokers` manages. */
export const CLUSTER_SERVICES: readonly ClusterService[] = [rabbitmqClusterService];

/**
 * Gauntlet's namespaces and links that no recorded cluster owns (a crashed run's), split into
 * those with processes still inside (listed only: another live run may own them) and dead ones.
 */
export function networkLeftovers(owned: readonly RabbitMqClusterState[]): { namespaces: string[]; links: string[] } {
  const ours = new Set(owned.flatMap((s) => [s.network.bridge, ...s.network.nodes.flatMap((n) => [n.ns, n.veth])]));
  const all = listNetworkLeftovers();
  return { namespaces: all.namespaces.filter((n) => !ours.has(n)), links: all.links.filter((l) => !ours.has(l)) };
}
