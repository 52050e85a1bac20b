import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { InfrastructureError } from "../../core/errors.js";

/**
 * A private network for a local cluster: one Linux network namespace per node, each joined by a
 * veth pair to a bridge on the host, in a 10.213.X.0/24 subnet that exists only on that bridge
 * and inside those namespaces. The host side of the bridge holds .1, so clients on the host reach
 * every node directly; node i holds .(i+1). Nothing is routed anywhere else.
 *
 * Everything Gauntlet creates is named so it can be told apart from anyone else's: namespaces
 * `gauntlet-cX-nI`, links `gtbrX` (bridge) and `gtXnI` (host end of a veth), each link carrying
 * the alias `gauntlet`. Leftover detection and cleanup touch nothing else.
 */
export interface NetnsNode {
  ns: string;
  address: string;
  veth: string;
}

export interface NetnsNetwork {
  /** Third octet of the subnet: 10.213.<octet>.0/24. */
  octet: number;
  bridge: string;
  hostAddress: string;
  nodes: NetnsNode[];
}

export const NETNS_PREFIX = "gauntlet-";
const LINK_ALIAS = "gauntlet";
export const NET_ADMIN_HINT = "local clusters need root (CAP_NET_ADMIN and CAP_SYS_ADMIN) and iproute2's `ip` (apt-get install -y iproute2)";

function ip(args: string[], options: { allowFail?: boolean } = {}): string {
  const r = spawnSync("ip", args, { encoding: "utf8", timeout: 10_000 });
  if (r.status !== 0 && !options.allowFail) throw new InfrastructureError(`ip ${args.join(" ")} failed: ${(r.stderr || r.error?.message || "").trim()}`, NET_ADMIN_HINT);
  return r.stdout ?? "";
}

/** Fail fast (exit 4) where namespaces cannot be made: no `ip`, or not allowed to. */
export function requireNetAdmin(): void {
  const ipPath = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"].find(existsSync);
  if (!ipPath) throw new InfrastructureError("`ip` (iproute2) is not installed", NET_ADMIN_HINT);
  const status = existsSync("/proc/self/status") ? spawnSync("cat", ["/proc/self/status"], { encoding: "utf8" }).stdout : "";
  const eff = /CapEff:\s*([0-9a-f]+)/i.exec(status)?.[1];
  const CAP_NET_ADMIN = 12n;
  const CAP_SYS_ADMIN = 21n;
  if (eff !== undefined) {
    const caps = BigInt(`0x${eff}`);
    if (!((caps >> CAP_NET_ADMIN) & 1n) || !((caps >> CAP_SYS_ADMIN) & 1n)) throw new InfrastructureError("this process lacks CAP_NET_ADMIN/CAP_SYS_ADMIN, needed for network namespaces", NET_ADMIN_HINT);
  } else if (process.getuid?.() !== 0) {
    throw new InfrastructureError("network namespaces need root", NET_ADMIN_HINT);
  }
}

/** Octets already used by a 10.213.X.0/24 route on the host (ours or anyone's). */
function usedOctets(): Set<number> {
  const used = new Set<number>();
  for (const m of ip(["-4", "route", "show"], { allowFail: true }).matchAll(/^10\.213\.(\d+)\./gm)) used.add(Number(m[1]));
  return used;
}

/** Create the bridge, then one namespace and veth per node. A failure removes what was made. */
export function createNetwork(nodes: number): NetnsNetwork {
  requireNetAdmin();
  const used = usedOctets();
  const start = 1 + Math.floor(Math.random() * 250);
  for (let k = 0; k < 250; k++) {
    const octet = ((start + k) % 250) + 1;
    if (used.has(octet)) continue;
    const bridge = `gtbr${octet}`;
    // Creating the bridge is the lock: two processes never get the same subnet.
    if (spawnSync("ip", ["link", "add", bridge, "type", "bridge"], { timeout: 10_000 }).status !== 0) continue;
    const net: NetnsNetwork = { octet, bridge, hostAddress: `10.213.${octet}.1`, nodes: [] };
    try {
      ip(["link", "set", "dev", bridge, "alias", LINK_ALIAS]);
      ip(["addr", "add", `${net.hostAddress}/24`, "dev", bridge]);
      ip(["link", "set", bridge, "up"]);
      for (let i = 1; i <= nodes; i++) {
        const node = { ns: `${NETNS_PREFIX}c${octet}-n${i}`, address: `10.213.${octet}.${i + 1}`, veth: `gt${octet}n${i}` };
        ip(["netns", "add", node.ns]);
        net.nodes.push(node);
        ip(["-n", node.ns, "link", "set", "lo", "up"]);
        ip(["link", "add", node.veth, "type", "veth", "peer", "name", "eth0", "netns", node.ns]);
        ip(["link", "set", "dev", node.veth, "alias", LINK_ALIAS]);
        ip(["link", "set", node.veth, "master", bridge, "up"]);
        ip(["-n", node.ns, "addr", "add", `${node.address}/24`, "dev", "eth0"]);
        ip(["-n", node.ns, "link", "set", "eth0", "up"]);
      }
      return net;
    } catch (err) {
      removeNetwork(net);
      throw err;
    }
  }
  throw new InfrastructureError("no free 10.213.X.0/24 subnet for a local cluster", "run `npx gauntlet brokers down` to remove leftovers");
}

/** Pids of every process inside a namespace (the node, its epmd, anything it forked). */
/**
 * Throws when a node cannot be (re)started where it lived: its namespace or data directory is
 * gone (the cluster was taken down by another process, e.g. `gauntlet brokers down`). Without
 * this, a restart after a fault would spawn into nothing and the run would wait for a node that
 * can never come back.
 */
export function requireNodeHome(node: { name: string; ns: string; dir: string }): void {
  const missing = [existsSync(`/run/netns/${node.ns}`) ? "" : `namespace ${node.ns}`, existsSync(node.dir) ? "" : `directory ${node.dir}`].filter(Boolean);
  if (missing.length) throw new InfrastructureError(`cluster node ${node.name} cannot start again: its ${missing.join(" and ")} no longer exist (was the cluster taken down by another process?)`, "start the cluster again: npx gauntlet brokers up … --nodes 3");
}

export function pidsIn(ns: string): number[] {
  return ip(["netns", "pids", ns], { allowFail: true }).split(/\s+/).filter(Boolean).map(Number);
}

/** Kill every process in the network's namespaces, then delete them, the veths and the bridge. */
export function removeNetwork(net: Pick<NetnsNetwork, "bridge" | "nodes">): void {
  for (const node of net.nodes) {
    for (const pid of pidsIn(node.ns)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // gone already
      }
    }
  }
  for (const node of net.nodes) {
    ip(["netns", "del", node.ns], { allowFail: true });
    if (node.veth) ip(["link", "del", node.veth], { allowFail: true }); // normally gone with its namespace
  }
  if (net.bridge) ip(["link", "del", net.bridge], { allowFail: true });
}

/** Gauntlet's namespaces and links present on this machine (all of them, from any run). */
export function listNetworkLeftovers(): { namespaces: string[]; links: string[] } {
  const namespaces = ip(["netns", "list"], { allowFail: true })
    .split("\n")
    .map((l) => l.split(" ")[0] ?? "")
    .filter((n) => n.startsWith(NETNS_PREFIX));
  const links: string[] = [];
  for (const line of ip(["-o", "link", "show"], { allowFail: true }).split("\n")) {
    const name = /^\d+:\s+([^:@\s]+)/.exec(line)?.[1];
    if (name && /^gt(br)?\d+(n\d+)?$/.test(name) && line.includes(`alias ${LINK_ALIAS}`)) links.push(name);
  }
  return { namespaces, links };
}

/** The subnet octet a Gauntlet namespace or link name belongs to (gauntlet-c7-n1, gtbr7, gt7n1 → 7). */
export function octetOf(name: string): number | undefined {
  const m = /^(?:gauntlet-c(\d+)-n\d+|gtbr(\d+)|gt(\d+)n\d+)$/.exec(name);
  return m ? Number(m[1] ?? m[2] ?? m[3]) : undefined;
}

/**
 * Remove Gauntlet networks nobody uses: those whose namespaces hold no process any more (a
 * crashed run's). A network with a live process inside is left alone (another run may own it);
 * `skip` protects the octets of clusters a state file records. Returns what was removed.
 */
export function removeDeadNetworks(skip: ReadonlySet<number> = new Set()): string[] {
  const { namespaces, links } = listNetworkLeftovers();
  const octets = new Set([...namespaces, ...links].map(octetOf).filter((o): o is number => o !== undefined && !skip.has(o)));
  const removed: string[] = [];
  for (const octet of octets) {
    const ns = namespaces.filter((n) => octetOf(n) === octet);
    if (ns.some((n) => pidsIn(n).length > 0)) continue;
    for (const n of ns) ip(["netns", "del", n], { allowFail: true });
    const still = new Set(listNetworkLeftovers().links);
    const mine = links.filter((l) => octetOf(l) === octet && still.has(l)).sort((a) => (a.startsWith("gtbr") ? 1 : -1));
    for (const l of mine) ip(["link", "del", l], { allowFail: true });
    removed.push(...ns, ...links.filter((l) => octetOf(l) === octet));
  }
  return removed;
}

/** Make `ns` drop everything it sends to `address` (one direction of a partition). */
export function blackhole(ns: string, address: string): void {
  ip(["-n", ns, "route", "replace", "blackhole", `${address}/32`]);
}

/** Remove every blackhole route in `ns` (heal its side of every partition). */
export function clearBlackholes(ns: string): void {
  for (const line of ip(["-n", ns, "route", "show", "type", "blackhole"], { allowFail: true }).split("\n")) {
    const dest = /^blackhole\s+(\S+)/.exec(line)?.[1];
    if (dest) ip(["-n", ns, "route", "del", "blackhole", dest], { allowFail: true });
  }
}

/** Shell lines that heal every namespace of a network: what the watchdog runs if we die. */
export function healScript(nodes: readonly { ns: string }[]): string {
  return nodes.map((n) => `ip -n ${n.ns} route show type blackhole | while read -r _ d _; do ip -n ${n.ns} route del blackhole "$d"; done`).join("\n");
}
