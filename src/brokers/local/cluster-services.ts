import type { ClusterService, ClusterState } from "./cluster-service.js";
import { kafkaClusterService } from "./kafka-cluster-service.js";
import { listNetworkLeftovers } from "./netns.js";
import { rabbitmqClusterService } from "./rabbitmq-cluster-service.js";

/** Every cluster service `gauntlet brokers` manages. */
export const CLUSTER_SERVICES: readonly ClusterService[] = [rabbitmqClusterService as unknown as ClusterService, kafkaClusterService as unknown as ClusterService];

/**
 * Gauntlet's namespaces and links that no recorded cluster owns (a crashed run's), split into
 * those with processes still inside (listed only: another live run may own them) and dead ones.
 */
export function networkLeftovers(owned: readonly ClusterState[]): { namespaces: string[]; links: string[] } {
  const ours = new Set(owned.flatMap((s) => [s.network.bridge, ...s.network.nodes.flatMap((n) => [n.ns, n.veth])]));
  const all = listNetworkLeftovers();
  return { namespaces: all.namespaces.filter((n) => !ours.has(n)), links: all.links.filter((l) => !ours.has(l)) };
}
