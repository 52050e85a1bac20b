import { Admin, FetchIsolationLevels, ListOffsetTimestamps } from "@platformatic/kafka";
import type { ClientOptions, PartitionEnds, TopicOptions } from "../client.js";
import { type KafkaSettings, topicConfigs } from "../settings.js";
import { baseOptions } from "./options.js";

const LEADER_WAIT_MS = 10_000;

/** Topic and group administration through @platformatic/kafka's Admin client. */
export class PlatformaticAdmin {
  private constructor(
    private readonly admin: Admin,
    private readonly settings: KafkaSettings,
  ) {}

  /** Fails (like kafkajs' admin.connect) when no broker answers. */
  static async connect(settings: KafkaSettings, options: ClientOptions = {}): Promise<PlatformaticAdmin> {
    const admin = new Admin(baseOptions(settings.brokers, settings.retries, options));
    admin.on("error", () => {});
    try {
      await admin.metadata({ topics: [] });
    } catch (err) {
      await admin.close().catch(() => {});
      throw err;
    }
    return new PlatformaticAdmin(admin, settings);
  }

  /** Create the topics, then wait for every partition's leader (platformatic has no `waitForLeaders`). */
  async createTopics(topics: readonly string[], partitions: number, options: TopicOptions = {}): Promise<void> {
    await this.admin.createTopics({ topics: [...topics], partitions, replicas: options.replicationFactor ?? this.settings.replicationFactor ?? 1, configs: options.configs ?? topicConfigs(this.settings) });
    const deadline = Date.now() + LEADER_WAIT_MS;
    for (;;) {
      const metadata = await this.admin.metadata({ topics: [...topics], forceUpdate: true }).catch(() => undefined);
      const ready = metadata && topics.every((t) => metadata.topics.get(t)?.partitions.every((p) => p.leader >= 0));
      if (ready) return;
      if (Date.now() > deadline) throw new Error(`topics ${topics.join(", ")} have no leader after ${LEADER_WAIT_MS} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async topicEnds(topic: string): Promise<PartitionEnds[]> {
    const metadata = await this.admin.metadata({ topics: [topic] });
    const count = metadata.topics.get(topic)?.partitionsCount ?? 0;
    const at = async (timestamp: bigint) => {
      const partitions = Array.from({ length: count }, (_, partitionIndex) => ({ partitionIndex, timestamp }));
      const [listed] = await this.admin.listOffsets({ topics: [{ name: topic, partitions }], isolationLevel: FetchIsolationLevels.READ_UNCOMMITTED });
      return new Map(listed?.partitions.map((p) => [p.partitionIndex, Number(p.offset)]) ?? []);
    };
    const [low, high] = await Promise.all([at(ListOffsetTimestamps.EARLIEST), at(ListOffsetTimestamps.LATEST)]);
    return [...high].map(([partition, h]) => ({ partition, low: low.get(partition) ?? 0, high: h }));
  }

  async committed(groupId: string, topic: string): Promise<Map<number, number>> {
    const [group] = await this.admin.listConsumerGroupOffsets({ groups: [groupId] });
    const partitions = group?.topics.find((t) => t.name === topic)?.partitions ?? [];
    return new Map(partitions.filter((p) => p.committedOffset >= 0n).map((p) => [p.partitionIndex, Number(p.committedOffset)]));
  }

  async startGroupAt(groupId: string, topic: string, offsets: readonly { partition: number; offset: number }[]): Promise<void> {
    await this.admin.alterConsumerGroupOffsets({ groupId, topics: [{ name: topic, partitionOffsets: offsets.map((o) => ({ partition: o.partition, offset: BigInt(o.offset) })) }] });
  }

  async deleteGroups(groups: readonly string[]): Promise<void> {
    await this.admin.deleteGroups({ groups: [...groups] });
  }

  async deleteTopics(topics: readonly string[]): Promise<void> {
    await this.admin.deleteTopics({ topics: [...topics] });
  }

  async close(): Promise<void> {
    await this.admin.close();
  }
}
