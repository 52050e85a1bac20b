import { UsageError } from "../core/errors.js";
import { CLUSTER_SERVICES, networkLeftovers } from "../brokers/local/cluster-services.js";
import type { ClusterService, ClusterStartOptions, ClusterState } from "../brokers/local/cluster-service.js";
import type { PartitionHandling } from "../brokers/local/rabbitmq-cluster.js";
import { octetOf, removeDeadNetworks } from "../brokers/local/netns.js";
import { clearState, readState, writeState } from "../brokers/local/state.js";
import { archiveLogs } from "../brokers/local/broker-logs.js";

/** `brokers up` options that start a cluster instead of a single node. */
export interface ClusterUpOptions {
  nodes?: string;
  partitionHandling?: string;
  mirrored?: boolean;
}

const say = (line: string) => process.stdout.write(`${line}\n`);

/** The --nodes count, or undefined for a single node. */
export function clusterSize(options: ClusterUpOptions): number | undefined {
  if (options.nodes === undefined) {
    if (options.partitionHandling || options.mirrored) throw new UsageError("--partition-handling and --mirrored apply to a cluster", "add --nodes 3");
    return undefined;
  }
  const n = Number(options.nodes);
  if (!Number.isInteger(n) || n < 1 || n > 7) throw new UsageError(`--nodes "${options.nodes}": expected an integer from 1 to 7`, "e.g. --nodes 3");
  return n;
}

/** The cluster form of a service name, or a usage error naming which ones have one. */
export function clusterServiceFor(name: string): ClusterService {
  const service = CLUSTER_SERVICES.find((s) => s.base === name || s.name === name);
  if (!service) throw new UsageError(`brokers: --nodes is not available for ${name}`, `clusters: ${CLUSTER_SERVICES.map((s) => s.base).join(", ")}`);
  return service;
}

/** Start a cluster and record it; an existing live one is kept. */
export async function clusterUp(service: ClusterService, nodes: number, options: ClusterUpOptions): Promise<void> {
  const asked: (keyof ClusterStartOptions)[] = [...(options.partitionHandling ? (["partitionHandling"] as const) : []), ...(options.mirrored ? (["mirrored"] as const) : [])];
  const foreign = asked.filter((o) => !service.options.includes(o));
  if (foreign.length) throw new UsageError(`brokers up ${service.base} --nodes: ${foreign.map((o) => `--${o.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(", ")} does not apply to ${service.base}`, `drop it (it is a RabbitMQ setting)`);
  const running = await readState<ClusterState>(service.name);
  if (running && service.running(running)) {
    say(`${service.name} already up: ${running.nodes.map((n) => n.address).join(", ")}  (npx gauntlet brokers down ${service.base} first to change it)`);
    return;
  }
  if (running) await clusterDown(service);
  const state = await service.startCluster({ nodes, ...(options.partitionHandling ? { partitionHandling: options.partitionHandling as PartitionHandling } : {}), ...(options.mirrored ? { mirrored: true } : {}) });
  await writeState(service.name, state);
  const settings = Object.entries(service.describe(state)).map(([k, v]) => `${k}=${String(v)}`);
  say(`${service.name} up in ${(state.startMs / 1000).toFixed(1)} s: ${state.nodes.length} nodes${settings.length ? `, ${settings.join(", ")}` : ""}`);
  for (const n of state.nodes) say(`  ${n.name}  ${n.role}  ${n.url}  pid ${n.pid}  (namespace ${n.ns})`);
  say(`run with: --broker '${state.url}'`);
}

/** Stop a recorded cluster (keeping its logs), then remove dead networks of crashed runs. */
export async function clusterDown(service: ClusterService): Promise<void> {
  const state = await readState<ClusterState>(service.name);
  const kept = state ? await archiveLogs(service, state) : [];
  if (state) await service.stop(state);
  await clearState(service.name);
  if (state) say(`${service.name} down${kept.length ? `  (logs kept: ${kept.join(", ")})` : ""}`);
}

/** Remove Gauntlet networks left by crashed runs (never one with a live process inside, never a recorded cluster). */
export async function removeLeftovers(): Promise<void> {
  const owned = await ownedClusters();
  const removed = removeDeadNetworks(new Set(owned.map((s) => s.network.octet)));
  if (removed.length) say(`removed leftovers: ${removed.join(", ")}`);
}

async function ownedClusters(): Promise<ClusterState[]> {
  const states = await Promise.all(CLUSTER_SERVICES.map((s) => readState<ClusterState>(s.name)));
  return states.filter((s): s is ClusterState => s !== undefined);
}

/** Status entries for clusters, plus Gauntlet namespaces/links no recorded cluster owns. */
export async function clusterStatuses(): Promise<{ clusters: Record<string, unknown>[]; leftovers: { namespaces: string[]; links: string[] } }> {
  const clusters: Record<string, unknown>[] = [];
  for (const service of CLUSTER_SERVICES) {
    const state = await readState<ClusterState>(service.name);
    const running = state !== undefined && service.running(state);
    clusters.push({
      name: service.name,
      installed: service.installed(),
      running,
      ...(state
        ? {
            url: state.url,
            dir: state.dir,
            ...service.describe(state),
            subnet: `10.213.${state.network.octet}.0/24`,
            nodes: state.nodes.map((n) => ({ name: n.name, address: n.address, url: n.url, role: n.role, pid: n.pid, namespace: n.ns, running: service.running({ ...state, nodes: [n] }) })),
            logs: service.logFiles?.(state) ?? [],
          }
        : {}),
    });
  }
  const leftovers = networkLeftovers(await ownedClusters());
  return { clusters, leftovers: { namespaces: leftovers.namespaces, links: leftovers.links.filter((l) => octetOf(l) !== undefined) } };
}
