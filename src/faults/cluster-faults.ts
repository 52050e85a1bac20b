import type { ActiveFault, ClusterControl, FaultInjector, FaultName, FaultStep } from "../core/faults.js";

export type { ClusterControl, ClusterNodeHandle } from "../core/faults.js";
import { LEADER_FAULTS, PARTITION_FAULTS, PROCESS_FAULTS } from "../core/faults.js";
import { blackhole, clearBlackholes, healScript } from "../brokers/local/netns.js";
import { runIfThisProcessDies } from "../brokers/local/tied-process.js";
import { isPartitionKind, planPartition } from "./partition.js";

/** Every fault a cluster offers. */
export const CLUSTER_FAULTS: readonly FaultName[] = [...PARTITION_FAULTS, ...PROCESS_FAULTS, ...LEADER_FAULTS];

/** How long a kill/restart window's end waits for the broker to name a new leader (read while the node is down). */
const ELECTION_WAIT_MS = 5_000;

/** The node a plain kill/pause/restart hits: `params.node`, else one derived from the window start (replayable). */
function nodeOf(step: FaultStep, n: number): number {
  const pick = step.params?.node ?? Math.floor(step.atMs / 7);
  return ((pick % n) + n) % n;
}

/**
 * The nemesis over a local cluster: partitions become blackhole routes inside the nodes'
 * namespaces (silent drops, as iptables DROP), node faults signal a node's process group. Each
 * window records what it hit (start) and what the broker showed (stop: partition observed,
 * leader before/after). A watchdog heals partitions and continues paused nodes if we die.
 */
export function clusterFaults(control: ClusterControl): FaultInjector {
  const names = control.nodes.map((n) => n.name);
  const n = control.nodes.length;
  const watchdog = runIfThisProcessDies(`${healScript(control.nodes)}\n${control.nodes.map((x) => `kill -CONT -${x.pid} 2>/dev/null`).join("\n")}`);
  const open = new Set<ActiveFault>();
  const healPartitions = () => {
    for (const node of control.nodes) clearBlackholes(node.ns);
  };
  const track = (fault: ActiveFault): ActiveFault => {
    open.add(fault);
    return { ...(fault.detail ? { detail: fault.detail } : {}), stop: async () => (open.delete(fault) ? fault.stop() : undefined) };
  };
  /** The leader after a window; `waitMs` > 0 waits that long for one to be elected (a node is down). */
  const withLeader = async (before: number | undefined, waitMs = 0) => {
    const deadline = Date.now() + waitMs;
    let after = await control.leader().catch(() => undefined);
    while (after === undefined && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      after = await control.leader().catch(() => undefined);
    }
    return { leaderBefore: before === undefined ? null : names[before], leaderAfter: after === undefined ? null : names[after], leaderChanged: before !== undefined && after !== undefined && before !== after };
  };
  return {
    available: CLUSTER_FAULTS,
    scope: "all",
    async start(step: FaultStep): Promise<ActiveFault> {
      const leaderBefore = await control.leader().catch(() => undefined);
      if (isPartitionKind(step.name)) {
        if (step.name === "partition-leader" && leaderBefore === undefined) throw new Error("no queue leader to isolate (is a quorum or mirrored queue declared?)");
        // The node a producer publishes through, where the clients tell; else the leader (where producers write).
        const producerNode = step.name === "partition-producer-node" ? (control.producerNode ? control.producerNode() : leaderBefore) : undefined;
        if (step.name === "partition-producer-node" && producerNode === undefined) throw new Error("no producer connected to a node to isolate");
        const plan = planPartition(step.name, n, step.params?.node ?? Math.floor(step.atMs / 7), step.name === "partition-leader" ? leaderBefore : producerNode);
        for (const [from, drops] of plan.grudge) for (const to of drops) blackhole(control.nodes[from]!.ns, control.nodes[to]!.address);
        return track({
          detail: {
            sides: plan.sides.map((s) => s.map((i) => names[i])),
            ...(leaderBefore !== undefined ? { leader: names[leaderBefore] } : {}),
            ...(producerNode !== undefined ? { producerNode: names[producerNode] } : {}),
          },
          stop: async () => {
            const observed = await control.partitionObserved().catch(() => false);
            healPartitions();
            return { observed, ...(await withLeader(leaderBefore)) };
          },
        });
      }
      const leaderFault = (LEADER_FAULTS as readonly string[]).includes(step.name);
      if (leaderFault && leaderBefore === undefined) throw new Error("no queue leader to hit (is a quorum or mirrored queue declared?)");
      const i = leaderFault ? leaderBefore! : nodeOf(step, n);
      const kind = step.name.replace(/-leader$/, "");
      const detail = { nodes: [names[i]], ...(leaderBefore !== undefined ? { leader: names[leaderBefore] } : {}) };
      if (kind === "pause") {
        control.pause(i);
        return track({ detail, stop: async () => (control.resume(i), withLeader(leaderBefore)) });
      }
      if (kind === "kill") await control.kill(i);
      else if (kind === "restart") await control.shutdown(i);
      else throw new Error(`fault ${step.name} is not available on a cluster`);
      // The leader is read while the node is down: the election the fault forced.
      return track({
        detail,
        stop: async () => {
          const during = await withLeader(leaderBefore, ELECTION_WAIT_MS);
          await control.start(i);
          return during;
        },
      });
    },
    async healAll() {
      for (const fault of [...open]) {
        open.delete(fault);
        await fault.stop().catch(() => {});
      }
      healPartitions();
      for (let i = 0; i < n; i++) {
        control.resume(i);
        if (!control.running(i)) await control.start(i).catch(() => {});
      }
      await control.settle().catch(() => {});
    },
    async close() {
      healPartitions();
      watchdog.disarm();
    },
  };
}
