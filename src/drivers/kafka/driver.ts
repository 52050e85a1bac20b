import { randomBytes } from "node:crypto";
import type { Capability } from "../../core/capabilities.js";
import type { Clock } from "../../core/clock.js";
import type { Consumer, ConsumerOptions, DrainOptions, Driver, DriverEvent, Producer } from "../../core/driver.js";
import type { EntitySpec } from "../../core/entities.js";
import type { Delivery, SentMessage } from "../../core/history.js";
import { DefiniteFailure } from "../../core/errors.js";
import { realClock } from "../../core/clock.js";
import type { ClientOptions, KafkaClient } from "./client.js";
import { connectKafkaJs } from "./kafkajs-client.js";
import { ID_HEADER, KEY_HEADER, KafkaNames } from "./names.js";
import { connectPlatformatic } from "./platformatic/client.js";
import type { TopicOptions } from "./client.js";
import type { KafkaSettings } from "./settings.js";
import { type DescribedTopic, describeKafkaTopics } from "./describe-topics.js";

/**
 * Kafka seen through Gauntlet's queue vocabulary: a consumer group is the queue (or a
 * subscription), a fetched record is held until its offset is committed (complete), and a
 * member leaving the group hands its uncommitted records to the others. Keys map to partitions,
 * so per-key order holds. No abandon, dead-letter, defer, lock renewal or delivery count.
 */
export const KAFKA_CAPABILITIES: ReadonlySet<Capability> = new Set<Capability>(["peek-lock", "ordered-keys", "topics"]);

export class KafkaDriver implements Driver {
  readonly family = "kafka";
  readonly capabilities = KAFKA_CAPABILITIES;
  readonly clock: Clock = realClock();
  readonly locksReleasedOnCrash = true;
  private readonly names = new KafkaNames(`gauntlet.${randomBytes(4).toString("hex")}`);
  private readonly topics: string[] = [];
  /** Partitions of each topic a plan gave its own count (others: the URL's). */
  private readonly partitionCounts = new Map<string, number>();
  private readonly groups: string[] = [];
  /** A plan's topics (their own native settings), read back by describe(). */
  private readonly planned: EntitySpec[] = [];
  private listener: ((event: DriverEvent) => void) | undefined;

  private constructor(
    /** The client library (`?client=`): admin operations, producers and group members. */
    private readonly client: KafkaClient,
    private readonly settings: KafkaSettings,
  ) {}

  static async connect(settings: KafkaSettings, options: ClientOptions = {}): Promise<KafkaDriver> {
    const client = settings.client === "platformatic" ? await connectPlatformatic(settings, options) : await connectKafkaJs(settings, options);
    return new KafkaDriver(client, settings);
  }

  onEvent(listener: (event: DriverEvent) => void): void {
    this.listener = listener;
  }

  async provision(entities: readonly EntitySpec[]): Promise<void> {
    // Existing topics (a plan's useExisting): used by their own names; nothing is created or deleted.
    for (const e of entities.filter((x) => x.existing)) await this.useExisting(e);
    entities = entities.filter((e) => !e.existing);
    const plain = entities.filter((e) => e.native === undefined).map((e) => this.names.topic(e.name));
    if (plain.length) await this.client.createTopics(plain, this.settings.partitions);
    this.topics.push(...plain);
    // A plan's topics: each with its own partitions, replication factor and topic configs.
    for (const e of entities.filter((x) => x.native !== undefined)) {
      this.planned.push(e);
      const topic = this.names.topic(e.name);
      const spec = nativeTopic(e.native!, this.settings.partitions);
      await this.client.createTopics([topic], spec.partitions, spec.options);
      this.partitionCounts.set(topic, spec.partitions);
      this.topics.push(topic);
    }
  }

  /**
   * A plan's topics as the broker has them after creating them (admin API: metadata and
   * describeConfigs): partitions, replication factor, and the modelled configs plus every declared
   * one, whatever their source (topic, broker or Kafka's default).
   */
  async describe(): Promise<Record<string, Record<string, unknown>>> {
    const planned = this.planned.filter((e) => !e.existing);
    if (!planned.length) return {};
    const topics = await describeKafkaTopics(this.settings, planned.map((e) => this.names.topic(e.name)), "reading back the plan's topics");
    return Object.fromEntries(planned.map((e, i) => [e.name, { native: readBack(topics[i]!, e.native ?? {}) }]));
  }

  /**
   * Records on each existing topic (end minus start offset, summed over its partitions: Kafka keeps
   * what was read, so a topic is empty only when nothing is retained). Rejects naming a topic that
   * does not exist.
   */
  async countExisting(entities: readonly EntitySpec[]): Promise<Record<string, number>> {
    const names = entities.map((e) => e.name);
    // Listed first: reading offsets of a missing topic could create it where auto-creation is on.
    await describeKafkaTopics(this.settings, names, "--use-existing").catch((err: Error) => {
      throw new Error(err.message.replace(/^--topic: /, ""));
    });
    const out: Record<string, number> = {};
    for (const name of names) out[name] = (await this.client.topicEnds(name)).reduce((n, e) => n + (e.high - e.low), 0);
    return out;
  }

  /**
   * Take an existing topic by its own name and start each of this driver's groups on it at the
   * topic's current end: a scenario reads only what it sent, not what earlier scenarios left
   * (Kafka keeps consumed records).
   */
  private async useExisting(e: EntitySpec): Promise<void> {
    this.names.existing.add(e.name);
    const ends = await this.client.topicEnds(e.name);
    if (!ends.length) throw new Error(`no topic "${e.name}" on the broker`);
    this.partitionCounts.set(e.name, ends.length);
    const offsets = ends.map((p) => ({ partition: p.partition, offset: p.high }));
    const addresses = e.kind === "queue" ? [e.name] : e.subscriptions.map((s) => `${e.name}/${s.name}`);
    for (const address of addresses) {
      const group = this.names.group(address);
      await this.client.startGroupAt(group, e.name, offsets);
      if (!this.groups.includes(group)) this.groups.push(group);
    }
  }

  async producer(): Promise<Producer> {
    const sender = await this.client.sender((topic) => this.partitionCounts.get(topic) ?? this.settings.partitions);
    return {
      send: async (target: string, messages: readonly SentMessage[]) => {
        const stored = await sender.send(
          this.names.topic(target),
          messages.map((m) => ({
            key: m.key ?? null,
            value: Buffer.alloc(m.size ?? 0, 120),
            headers: { [ID_HEADER]: m.id, ...(m.key !== undefined ? { [KEY_HEADER]: m.key } : {}) },
          })),
        );
        if (this.settings.acks === 0 && !this.settings.acks0Sent) throw new Error("acks=0: the broker never confirms a send, so its outcome is unknown");
        return stored;
      },
      close: () => sender.close(),
    };
  }

  async consumer(source: string, options: ConsumerOptions): Promise<Consumer> {
    if (options.mode !== "peek-lock") throw new DefiniteFailure("the kafka driver reads with commits after processing only (peek-lock)", "not-supported");
    const group = this.names.group(source);
    if (!this.groups.includes(group)) this.groups.push(group);
    return this.client.member(group, this.names.topic(source), source, (event) => this.listener?.(event));
  }

  /** Join the group and commit through to the high watermark: what was never committed is what was left. */
  async drain(source: string, options: DrainOptions): Promise<Delivery[]> {
    if (options.dlq) return [];
    const topic = this.names.topic(source);
    const group = this.names.group(source);
    const deadline = Date.now() + options.maxWaitMs + 20_000;
    // Nothing left past the group's committed offsets: joining the group (≈ 0.5 s) would read nothing.
    if (await this.caughtUp(topic, group)) return [];
    const consumer = await this.client.member(group, topic, source);
    const out: Delivery[] = [];
    try {
      while (Date.now() < deadline && !(await this.caughtUp(topic, group))) {
        for (const d of await consumer.receive(500, 200)) {
          await consumer.settle(d, "complete");
          out.push(d);
        }
      }
      if (!(await this.caughtUp(topic, group))) throw new Error(`drain of ${source} did not reach the end of ${topic} in time`);
    } finally {
      await consumer.close();
    }
    return out;
  }

  private async caughtUp(topic: string, group: string): Promise<boolean> {
    const [ends, done] = await Promise.all([this.client.topicEnds(topic), this.client.committed(group, topic)]);
    return ends.every((e) => e.high === e.low || (done.get(e.partition) ?? -1) >= e.high);
  }

  async close(): Promise<void> {
    if (this.groups.length) await this.client.deleteGroups(this.groups).catch(() => {});
    if (this.topics.length) await this.client.deleteTopics(this.topics).catch(() => {});
    await this.client.close().catch(() => {});
  }
}

/** A plan's topic settings (EntitySpec.native: partitions, replicationFactor, configs by Kafka's names). */
function nativeTopic(native: Record<string, unknown>, fallback: number): { partitions: number; options: TopicOptions } {
  const n = native as { partitions?: number; replicationFactor?: number; configs?: Record<string, string | number | boolean> };
  const configs = Object.entries(n.configs ?? {}).map(([name, value]) => ({ name, value: String(value) }));
  return { partitions: n.partitions ?? fallback, options: { ...(n.replicationFactor !== undefined ? { replicationFactor: n.replicationFactor } : {}), configs } };
}

/** Topic configs a plan models (docs/plans.md), always read back; other declared ones too. */
const MODELLED_TOPIC_CONFIGS = ["min.insync.replicas", "unclean.leader.election.enable", "retention.ms", "retention.bytes", "cleanup.policy", "max.message.bytes"];

/** A described topic in the plan's words: partitions, replication factor, configs (values as the broker reports them: strings). */
function readBack(t: DescribedTopic, declared: Record<string, unknown>): Record<string, unknown> {
  const names = new Set([...MODELLED_TOPIC_CONFIGS, ...Object.keys((declared.configs as Record<string, unknown> | undefined) ?? {})]);
  const configs = Object.fromEntries([...names].filter((n) => t.configs[n] !== undefined).map((n) => [n, t.configs[n]!.value]));
  return { partitions: t.partitions, replicationFactor: t.replicationFactor, configs };
}
