import type { Consumer as KafkaJsConsumer, EachBatchPayload, Kafka, KafkaMessage } from "kafkajs";
import type { Consumer, DriverEvent } from "../../core/driver.js";
import type { Delivery, SettleOutcome } from "../../core/history.js";
import { DefiniteFailure } from "../../core/errors.js";
import { ID_HEADER, KEY_HEADER } from "./names.js";
import { checkCommittable, heldForCommit } from "./commit-rules.js";
import type { KafkaSettings } from "./settings.js";

const POLL_MS = 5;
/** Longest a new member waits for its first group join before it is handed to the runner. */
const JOIN_WAIT_MS = 10_000;

/** A record handed to the runner and not yet settled. */
interface Held {
  partition: number;
  offset: number;
  delivery: Delivery;
  settled: boolean;
  /** Group epoch when fetched; a later rebalance means the partition may have moved on. */
  epoch: number;
}

/** Kafka errors that prove an offset commit did not happen (the member lost its partitions). */
const REBALANCE_ERRORS = /REBALANCE_IN_PROGRESS|ILLEGAL_GENERATION|UNKNOWN_MEMBER_ID|NOT_COORDINATOR|rebalanc/i;

/**
 * A group member read as a pull consumer. kafkajs pushes batches; each batch waits (heart-
 * beating) until the runner has taken and settled its records, which makes the batch the
 * "lock": settled = offset committed. Kafka commits a position, not a message, so a complete
 * commits only when it extends the contiguous prefix of the partition; anything else is refused.
 * A rebalance ends the batch: records not yet taken are left for the partition's next owner.
 */
export class KafkaConsumer implements Consumer {
  private readonly buffer: Held[] = [];
  private readonly held = new Map<string, Held>();
  /** Per partition: the next offset a commit must cover (= the committed position). */
  private readonly nextCommit = new Map<number, number>();
  private closing = false;
  /** Bumped whenever kafkajs notices a rebalance or rejoins: records of an older epoch are no longer ours. */
  private epoch = 0;

  private constructor(
    private readonly consumer: KafkaJsConsumer,
    private readonly topic: string,
    private readonly entity: string,
  ) {}

  static async start(kafka: Kafka, groupId: string, topic: string, entity: string, settings: Pick<KafkaSettings, "partitions" | "sessionTimeoutMs" | "isolationLevel">, emit?: (event: DriverEvent) => void): Promise<KafkaConsumer> {
    const { partitions } = settings;
    const consumer = kafka.consumer({ groupId, sessionTimeout: settings.sessionTimeoutMs ?? 6_000, ...(settings.isolationLevel ? { readUncommitted: settings.isolationLevel === "read_uncommitted" } : {}), rebalanceTimeout: 3_000, heartbeatInterval: 100, maxWaitTimeInMs: 50, retry: { retries: 3 } });
    const self = new KafkaConsumer(consumer, topic, entity);
    // The classic group protocol accepts a commit from any current member, even for a partition it
    // lost: the client must refuse stale commits itself, or a new owner re-reads a completed record.
    consumer.on(consumer.events.REBALANCING, (e) => {
      self.epoch++;
      emit?.({ f: "rebalance", value: { entity, group: groupId, member: e.payload.memberId, phase: "revoke" } });
    });
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      self.epoch++;
      const assigned = Object.values(e.payload.memberAssignment).flat();
      emit?.({ f: "rebalance", value: { entity, group: groupId, member: e.payload.memberId, phase: "assign", partitions: assigned } });
    });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
      await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, partitionsConsumedConcurrently: partitions, eachBatch: (p) => self.onBatch(p) });
      // Return a member of a settled group, so a rebalance happens here and not mid-run.
      await Promise.race([joined, new Promise((r) => setTimeout(r, JOIN_WAIT_MS).unref())]);
    } catch (err) {
      await consumer.disconnect().catch(() => {});
      throw err;
    }
    return self;
  }

  private async onBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const partition = batch.partition;
    const epoch = this.epoch;
    const mine: Held[] = batch.messages.map((m) => this.toHeld(partition, m, epoch));
    if (mine.length === 0) return;
    // A fetch starts at the committed position, so the first record is the next to commit.
    this.nextCommit.set(partition, mine[0]!.offset);
    this.buffer.push(...mine);
    try {
      while (!this.closing && isRunning() && !isStale() && mine.some((h) => !h.settled)) {
        await heartbeat();
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
    } catch {
      // heartbeat() threw: a rebalance is under way; give the partition up.
      this.epoch++;
    } finally {
      // Records never handed out go back (to whoever owns the partition next).
      for (const h of mine) {
        const i = this.buffer.indexOf(h);
        if (i >= 0) this.buffer.splice(i, 1);
        else resolveOffset(String(h.offset));
      }
    }
  }

  private toHeld(partition: number, m: KafkaMessage, epoch: number): Held {
    const id = m.headers?.[ID_HEADER]?.toString() ?? "";
    const key = m.headers?.[KEY_HEADER]?.toString();
    const offset = Number(m.offset);
    const token = `${partition}:${offset}`;
    const delivery: Delivery = { id, entity: this.entity, brokerId: token, partition, offset: m.offset, deliveryCount: null, lockToken: token, ...(key !== undefined ? { key } : {}) };
    return { partition, offset, delivery, settled: false, epoch };
  }

  async receive(max: number, waitMs: number): Promise<Delivery[]> {
    const deadline = Date.now() + waitMs;
    while (this.buffer.length === 0 && Date.now() < deadline && !this.closing) await new Promise((r) => setTimeout(r, POLL_MS));
    const taken = this.buffer.splice(0, max);
    for (const h of taken) this.held.set(h.delivery.lockToken!, h);
    return taken.map((h) => h.delivery);
  }

  async settle(delivery: Delivery, outcome: SettleOutcome): Promise<void> {
    const h = heldForCommit(delivery.lockToken ? this.held.get(delivery.lockToken) : undefined, delivery.lockToken, outcome);
    try {
      checkCommittable(h, this.epoch, this.nextCommit);
      try {
        await this.consumer.commitOffsets([{ topic: this.topic, partition: h.partition, offset: String(h.offset + 1) }]);
      } catch (err) {
        const text = `${(err as Error).name}: ${(err as Error).message} ${(err as { type?: string }).type ?? ""}`;
        if (REBALANCE_ERRORS.test(text)) throw new DefiniteFailure(`commit refused, the partition was reassigned: ${(err as Error).message}`, "rebalanced");
        throw err;
      }
      this.nextCommit.set(h.partition, h.offset + 1);
    } finally {
      h.settled = true;
      this.held.delete(delivery.lockToken!);
    }
  }

  async renew(): Promise<number> {
    throw new DefiniteFailure("Kafka has no per-message lock to renew", "not-supported");
  }

  /** Leave the group without committing: the partitions, and what was not committed, go to the others. */
  async crash(): Promise<void> {
    this.closing = true;
    await this.consumer.disconnect().catch(() => {});
  }

  async close(): Promise<void> {
    await this.crash();
  }

  /** Committed position per partition of the records this consumer read (for drains). */
  committed(): ReadonlyMap<number, number> {
    return this.nextCommit;
  }
}
