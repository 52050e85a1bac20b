import type { Consumer, DriverEvent, StoredAt } from "../../core/driver.js";

/** A record as the driver hands it to a client library: the key is the Kafka key, headers carry Gauntlet's ids. */
export interface OutgoingRecord {
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
}

/**
 * One producer of a client library; `send` resolves when the broker acknowledged (per `acks`),
 * with where each record was stored (undefined where the broker did not say, e.g. acks=0).
 */
export interface RecordSender {
  send(topic: string, records: readonly OutgoingRecord[]): Promise<(StoredAt | undefined)[]>;
  close(): Promise<void>;
}

/** Log start and end (high watermark) of one partition. */
export interface PartitionEnds {
  partition: number;
  low: number;
  high: number;
}

/**
 * What KafkaDriver needs from a client library (kafkajs or @platformatic/kafka): admin
 * operations and factories for producers and group members. Naming, settings, the drain and
 * the capability set stay in the driver, so both clients are held to the same mapping.
 */
export interface KafkaClient {
  /** Create the topics and wait until every partition has a leader (replication and configs: the URL's, unless given). */
  createTopics(topics: readonly string[], partitions: number, options?: TopicOptions): Promise<void>;
  topicEnds(topic: string): Promise<PartitionEnds[]>;
  /** The group's committed position per partition of `topic` (absent: never committed). */
  committed(group: string, topic: string): Promise<Map<number, number>>;
  /** Commit `group`'s position on `topic` at these offsets (before any member joins): it reads only what comes after. */
  startGroupAt(group: string, topic: string, offsets: readonly { partition: number; offset: number }[]): Promise<void>;
  /** A producer; `partitionsOf` gives each topic's partition count (default: the URL's `partitions`). */
  sender(partitionsOf?: (topic: string) => number): Promise<RecordSender>;
  /** A started member of `group` reading `topic`, committing only after processing (peek-lock); reports rebalances to `emit`. */
  member(group: string, topic: string, entity: string, emit?: (event: DriverEvent) => void): Promise<Consumer>;
  deleteGroups(groups: readonly string[]): Promise<void>;
  deleteTopics(topics: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

/** Per-topic settings a plan declares. */
export interface TopicOptions {
  replicationFactor?: number;
  configs?: { name: string; value: string }[];
}

export interface ClientOptions {
  connectionTimeoutMs?: number;
}
