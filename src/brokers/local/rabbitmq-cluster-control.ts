import type { ClusterControl } from "../../core/faults.js";
import { waitUntil } from "./free-port.js";
import { type RabbitMqClusterState, awaitClusterNode, startClusterNode } from "./rabbitmq-cluster.js";
import { managementApi } from "./rabbitmq-management.js";
import { alive } from "./state.js";

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Node faults and observations for a RabbitMQ cluster. The leader is that of the scenario's
 * queues (Gauntlet's `gauntlet.*` queues, dead-letter queues aside): a quorum queue's leader or
 * a mirrored classic queue's master, as the management API of a reachable node reports it.
 * `persist` records new pids after a restart (the state file of `gauntlet brokers up`).
 */
export function rabbitMqClusterControl(state: RabbitMqClusterState, persist: () => Promise<void> = async () => {}): ClusterControl {
  const apis = state.nodes.map((n) => managementApi(n.managementUrl, 2_000));
  const reachable = async <T>(ask: (api: (typeof apis)[number]) => Promise<T>): Promise<T | undefined> => {
    for (let i = 0; i < apis.length; i++) {
      if (!alive(state.nodes[i]!.pid)) continue;
      const answer = await ask(apis[i]!).catch(() => undefined);
      if (answer !== undefined) return answer;
    }
    return undefined;
  };
  return {
    nodes: state.nodes,
    async kill(i) {
      signalGroup(state.nodes[i]!.pid, "SIGKILL");
      await waitUntil(async () => !groupAlive(state.nodes[i]!.pid), 10_000, 50);
    },
    async shutdown(i) {
      signalGroup(state.nodes[i]!.pid, "SIGTERM");
      if (!(await waitUntil(async () => !groupAlive(state.nodes[i]!.pid), 30_000, 100))) signalGroup(state.nodes[i]!.pid, "SIGKILL");
    },
    async start(i) {
      if (alive(state.nodes[i]!.pid)) return;
      startClusterNode(state, i);
      await persist();
      await awaitClusterNode(state, i);
    },
    pause: (i) => signalGroup(state.nodes[i]!.pid, "SIGSTOP"),
    resume: (i) => signalGroup(state.nodes[i]!.pid, "SIGCONT"),
    running: (i) => alive(state.nodes[i]!.pid),
    async leader() {
      // A node's management view lags (statistics are collected every second, and a node that
      // just rejoined or saw its peer die may list no leader, or a dead one): the first live
      // node whose view names a running leader answers.
      const leaderIn = async (api: (typeof apis)[number]) => {
        const main = (await api.queues()).filter((q) => q.name.startsWith("gauntlet.") && !q.name.endsWith(".dlq"));
        const name = main.map((q) => q.leader ?? q.node).find((x) => x !== undefined);
        const index = state.nodes.findIndex((n) => n.name === name);
        if (index < 0 || !alive(state.nodes[index]!.pid)) throw new Error("no live leader in this view");
        return index;
      };
      return reachable(leaderIn);
    },
    async settle() {
      const merged = async () => {
        for (const api of apis) if ((await api.nodes()).some((x) => !x.running || x.partitions.length > 0)) return false;
        return true;
      };
      if (await waitUntil(merged, 20_000, 500)) return;
      // Still split (cluster_partition_handling = ignore): as RabbitMQ's docs tell an operator, keep the
      // side to trust (the larger one, as seen from the first node) and restart the nodes of the other.
      const view = await apis[0]!.nodes().catch(() => []);
      const apart = new Set(view.flatMap((x) => (x.name === state.nodes[0]!.name ? x.partitions : [])));
      const withFirst = state.nodes.map((x) => x.name).filter((name) => !apart.has(name));
      const losers = apart.size <= withFirst.length ? apart : new Set(withFirst);
      for (const [i, node] of state.nodes.entries()) {
        if (!losers.has(node.name)) continue;
        await this.shutdown(i);
        await this.start(i);
      }
      await waitUntil(merged, 30_000, 500);
    },
    async partitionObserved() {
      for (let i = 0; i < apis.length; i++) {
        const view = await apis[i]!.nodes().catch(() => undefined);
        if (view?.some((x) => !x.running || x.partitions.length > 0)) return true;
      }
      return false;
    },
  };
}
