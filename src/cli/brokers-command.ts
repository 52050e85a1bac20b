import { UsageError } from "../core/errors.js";
import type { LocalService, ServiceState } from "../brokers/local/service.js";
import { KNOWN_SERVICES, LOCAL_SERVICES, serviceByName } from "../brokers/local/services.js";
import { alive, clearState, readState, writeState } from "../brokers/local/state.js";
import { archiveLogs } from "../brokers/local/broker-logs.js";
import { type ClusterUpOptions, clusterDown, clusterServiceFor, clusterSize, clusterStatuses, clusterUp, removeLeftovers } from "./brokers-cluster.js";
import { CLUSTER_SERVICES } from "../brokers/local/cluster-services.js";

interface BrokerStatus {
  name: string;
  installed: boolean;
  running: boolean;
  location?: string;
  url?: string;
  urls?: Record<string, string>;
  pid?: number;
  dir?: string;
  /** The running instance's log files. */
  logs?: string[];
  note?: string;
}

function pick(names: string[]): LocalService<ServiceState>[] {
  if (!names.length) return [...LOCAL_SERVICES];
  return names.map((n) => {
    const service = serviceByName(n);
    if (service) return service;
    if ((KNOWN_SERVICES as readonly string[]).includes(n)) {
      throw new UsageError(`brokers: ${n} is not available in this version`, `available: ${LOCAL_SERVICES.map((s) => s.name).join(", ")} (docker-compose.yml has the others for Docker users)`);
    }
    throw new UsageError(`unknown broker "${n}"`, `expected one of ${KNOWN_SERVICES.join(", ")}`);
  });
}

const say = (line: string) => process.stdout.write(`${line}\n`);

/** `gauntlet brokers install|up|down|status [names]`: local, Docker-free brokers and toxiproxy. */
export async function brokersCommand(action: string, names: string[], options: { json?: boolean } & ClusterUpOptions): Promise<number> {
  const nodes = clusterSize(options);
  switch (action) {
    case "install":
      for (const service of pick(names)) await service.install(say);
      return 0;
    case "up":
      if (nodes !== undefined && nodes > 1) {
        if (!names.length) throw new UsageError("brokers up --nodes needs a broker name", "e.g. npx gauntlet brokers up rabbitmq --nodes 3");
        for (const name of names) await clusterUp(clusterServiceFor(name), nodes, options);
        return 0;
      }
      for (const service of pick(names)) await up(service);
      return 0;
    case "down":
      // Clusters (and networks crashed runs left) go first; then the single nodes.
      for (const cluster of CLUSTER_SERVICES.filter((c) => !names.length || names.includes(c.base) || names.includes(c.name))) await clusterDown(cluster);
      await removeLeftovers();
      // Stop in reverse order: the proxy before the brokers behind it.
      for (const service of names.length && names.every((n) => CLUSTER_SERVICES.some((c) => c.name === n)) ? [] : pick(names.filter((n) => !CLUSTER_SERVICES.some((c) => c.name === n))).reverse()) {
        const state = await readState<ServiceState>(service.name);
        const kept = state ? await archiveLogs(service, state) : [];
        if (state) await service.stop(state);
        await clearState(service.name);
        say(`${service.name} down${kept.length ? `  (log kept: ${kept.join(", ")})` : ""}`);
      }
      return 0;
    case "status": {
      // Names are checked as for the other actions (an unknown one is exit 3); none means all.
      const statuses = await Promise.all((names.length ? pick(names).map((s) => s.name) : [...KNOWN_SERVICES]).map(statusOf));
      const { clusters, leftovers } = await clusterStatuses();
      if (options.json) say(JSON.stringify({ brokers: statuses, clusters, leftovers }, null, 2));
      else {
        for (const s of statuses) say(`${s.name.padEnd(10)} installed: ${s.installed ? "yes" : "no "}  running: ${s.running ? `yes  ${s.url}` : "no"}${s.note ? `  (${s.note})` : ""}`);
        for (const c of clusters.filter((x) => x.nodes)) {
          say(`${String(c.name)}  running: ${c.running ? "yes" : "no"}${c.partitionHandling ? `  partition handling: ${String(c.partitionHandling)}` : ""}${c.version ? `  version ${String(c.version)}` : ""}`);
          for (const n of c.nodes as { name: string; role: string; url: string; pid: number; running: boolean }[]) say(`  ${n.name}  ${n.role}  ${n.url}  pid ${n.pid}  ${n.running ? "up" : "down"}`);
        }
        if (leftovers.namespaces.length || leftovers.links.length) say(`leftovers (npx gauntlet brokers down removes dead ones): ${[...leftovers.namespaces, ...leftovers.links].join(", ")}`);
      }
      return 0;
    }
    default:
      throw new UsageError(`brokers: unknown action "${action}"`, "expected install, up, down or status");
  }
}

async function up(service: LocalService<ServiceState>): Promise<void> {
  const running = await readState<ServiceState>(service.name);
  if (running && alive(running.pid)) {
    say(`${service.name} already up: ${running.url}`);
    return;
  }
  if (running) {
    // A crashed instance: keep its log (it says why), then clean its directory.
    const kept = await archiveLogs(service, running);
    await service.stop(running);
    if (kept.length) say(`${service.name}: the previous instance had died; its log is kept: ${kept.join(", ")}`);
  }
  if (!service.installed()) throw new UsageError(`${service.name} is not installed`, `run: npx gauntlet brokers install ${service.name}   (or: ${service.installHint})`);
  const state = await service.start();
  await writeState(service.name, state);
  say(`${service.name} up: ${state.url}  (data in ${state.dir})`);
}

async function statusOf(name: string): Promise<BrokerStatus> {
  const service = serviceByName(name);
  if (!service) return { name, installed: false, running: false, note: "not available in this version" };
  const state = await readState<ServiceState>(name);
  const running = state !== undefined && alive(state.pid);
  const location = service.location();
  return {
    name,
    installed: service.installed(),
    running,
    ...(location ? { location } : {}),
    ...(running ? { url: state.url, ...(state.urls ? { urls: state.urls } : {}), pid: state.pid, dir: state.dir, ...(service.logFiles ? { logs: service.logFiles(state) } : {}) } : {}),
  };
}
