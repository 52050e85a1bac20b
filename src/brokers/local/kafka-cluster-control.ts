import { Kafka, logLevel } from "kafkajs";
import type { ClusterControl } from "../../core/faults.js";
import { waitUntil } from "./free-port.js";
import { KAFKA_CLIENT_PORT, type KafkaClusterState, awaitKafkaClusterNode, brokersSeenBy, startKafkaClusterNode } from "./kafka-cluster.js";
import { alive } from "./state.js";

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

interface PartitionView {
  topic: string;
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
}

/** The partitions of Gauntlet's topics (`gauntlet.*`) as node `address` describes them; undefined when it does not answer. */
async function gauntletPartitions(address: string): Promise<PartitionView[] | undefined> {
  const admin = new Kafka({ brokers: [`${address}:${KAFKA_CLIENT_PORT}`], logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 1_500, requestTimeout: 2_000 }).admin();
  try {
    await admin.connect();
    const topics = (await admin.listTopics()).filter((t) => t.startsWith("gauntlet."));
    if (!topics.length) return [];
    const meta = await admin.fetchTopicMetadata({ topics });
    return meta.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionId, leader: p.leader, replicas: p.replicas, isr: p.isr })));
  } catch {
    return undefined;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/**
 * Node faults and observations for a Kafka cluster. "The leader" is the leader of partition 0
 * of the scenario's first topic (Gauntlet's `gauntlet.*` topics, by name), as a live node's
 * metadata says; with `?partitions=1` that is the one partition every message goes to. A
 * partition was observed when some node lists fewer brokers than the cluster has (the
 * controller fenced one) or a partition's ISR shrank.
 */
export function kafkaClusterControl(state: KafkaClusterState, persist: () => Promise<void> = async () => {}): ClusterControl {
  const byId = (id: number) => state.nodes.findIndex((n) => n.id === id);
  const fromLiveNode = async <T>(ask: (address: string) => Promise<T | undefined>): Promise<T | undefined> => {
    for (const node of state.nodes) {
      if (!alive(node.pid)) continue;
      const answer = await ask(node.address);
      if (answer !== undefined) return answer;
    }
    return undefined;
  };
  return {
    nodes: state.nodes,
    async kill(i) {
      signalGroup(state.nodes[i]!.pid, "SIGKILL");
      await waitUntil(async () => !alive(state.nodes[i]!.pid), 10_000, 50);
    },
    async shutdown(i) {
      signalGroup(state.nodes[i]!.pid, "SIGTERM");
      if (!(await waitUntil(async () => !alive(state.nodes[i]!.pid), 30_000, 100))) signalGroup(state.nodes[i]!.pid, "SIGKILL");
    },
    async start(i) {
      if (alive(state.nodes[i]!.pid)) return;
      startKafkaClusterNode(state, i);
      await persist();
      await awaitKafkaClusterNode(state, i);
    },
    pause: (i) => signalGroup(state.nodes[i]!.pid, "SIGSTOP"),
    resume: (i) => signalGroup(state.nodes[i]!.pid, "SIGCONT"),
    running: (i) => alive(state.nodes[i]!.pid),
    async leader() {
      const parts = await fromLiveNode(gauntletPartitions);
      const first = [...(parts ?? [])].sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition).find((p) => p.leader >= 0);
      const index = first ? byId(first.leader) : -1;
      // A dead node still named leader is metadata the controller has not updated yet (it fences
      // a broker only after broker.session.timeout.ms): no leader yet, not the old one.
      return index >= 0 && alive(state.nodes[index]!.pid) ? index : undefined;
    },
    async partitionObserved() {
      for (const node of state.nodes) {
        if (!alive(node.pid)) continue;
        const seen = await brokersSeenBy(node.address, 1_500);
        if (seen > 0 && seen < state.nodes.length) return true;
        const parts = await gauntletPartitions(node.address);
        if (parts?.some((p) => p.isr.length < p.replicas.length)) return true;
      }
      return false;
    },
    async settle() {
      // Healed when every node lists every broker and every replica is back in sync.
      const whole = async () => {
        for (const node of state.nodes) {
          if ((await brokersSeenBy(node.address, 1_500)) !== state.nodes.length) return false;
          const parts = await gauntletPartitions(node.address);
          if (!parts || parts.some((p) => p.isr.length < p.replicas.length)) return false;
        }
        return true;
      };
      await waitUntil(whole, 45_000, 500);
    },
  };
}
