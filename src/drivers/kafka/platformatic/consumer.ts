import { Consumer as PltConsumer, type ConsumeOptions, type Message, type MessagesStream, stringDeserializer } from "@platformatic/kafka";
import type { Consumer, DriverEvent } from "../../../core/driver.js";
import type { Delivery, SettleOutcome } from "../../../core/history.js";
import { DefiniteFailure } from "../../../core/errors.js";
import type { ClientOptions } from "../client.js";
import { ID_HEADER, KEY_HEADER } from "../names.js";
import type { KafkaSettings } from "../settings.js";
import { OffsetCommitter } from "./offset-committer.js";
import { baseOptions } from "./options.js";
import { checkCommittable, heldForCommit } from "../commit-rules.js";

type Record = Message<string | undefined, Buffer, string, string>;
type Stream = MessagesStream<string | undefined, Buffer, string, string>;

const POLL_MS = 5;
const SESSION_TIMEOUT_MS = 6_000;
/** Records fetched ahead of the runner before the stream is paused. */
const MAX_BUFFERED = 500;

/** A record handed to the runner and not yet settled. */
interface Held {
  partition: number;
  offset: number;
  leaderEpoch: number;
  delivery: Delivery;
  /** Local epoch when fetched: a later join or rebalance means the partition may have moved on. */
  epoch: number;
  /** The group generation (and member id) it was fetched in; its commit is sent in that generation. */
  generation: number;
  memberId: string;
}

/**
 * A group member on @platformatic/kafka read as a pull consumer, with the kafkajs driver's
 * semantics: records wait in a buffer until the runner takes them, complete commits offset + 1
 * only when it extends the contiguous committed prefix, and a record fetched before a rebalance
 * can no longer be completed (its partition's next owner reads it again).
 *
 * platformatic-specific: its `consume()` stream keeps fetching across rebalances and re-seeks on
 * a join, but a fetch in flight during the join can still land afterwards (tagged with the new
 * generation, and moving the fetch position past the refreshed one). So every join swaps in a
 * fresh stream, which starts at the committed offsets of the new assignment, and records of older
 * streams are dropped. Commits bypass `message.commit()` / `Consumer.commit()`: those rejoin and
 * resend a commit refused for a stale generation under the new one, which would commit a
 * partition the member may have lost (see OffsetCommitter).
 */
export class PlatformaticGroupConsumer implements Consumer {
  private readonly buffer: Held[] = [];
  private readonly held = new Map<string, Held>();
  /** Per partition: the next offset a commit must cover (= the committed position). */
  private readonly nextCommit = new Map<number, number>();
  private epoch = 0;
  private stream: Stream | undefined;
  private swapping: Promise<void> | undefined;
  private swapAgain = false;
  private closing = false;

  private constructor(
    private readonly consumer: PltConsumer<string | undefined, Buffer, string, string>,
    private readonly committer: OffsetCommitter,
    private readonly topic: string,
    private readonly entity: string,
  ) {}

  static async start(settings: KafkaSettings, groupId: string, topic: string, entity: string, options: ClientOptions = {}, emit?: (event: DriverEvent) => void): Promise<PlatformaticGroupConsumer> {
    const consumer = new PltConsumer<string | undefined, Buffer, string, string>({
      ...baseOptions(settings.brokers, 3, options),
      groupId,
      // As the kafkajs member (6 s session), but platformatic refuses a rebalance timeout below the
      // session timeout (kafkajs': 3 s).
      sessionTimeout: SESSION_TIMEOUT_MS,
      rebalanceTimeout: SESSION_TIMEOUT_MS,
      heartbeatInterval: 100,
      maxWaitTime: 50,
      autocommit: false,
      deserializers: { key: stringDeserializer, headerKey: stringDeserializer, headerValue: stringDeserializer },
    });
    // A failed rejoin is emitted as 'error': without a listener it would throw.
    consumer.on("error", () => {});
    const self = new PlatformaticGroupConsumer(consumer, new OffsetCommitter(consumer, groupId, topic), topic, entity);
    // The classic group protocol accepts a commit from any current member, even for a partition it
    // lost: refuse completes of records fetched before a rebalance began or a join ended.
    consumer.on("consumer:group:rebalance", () => {
      self.newEpoch();
      emit?.({ f: "rebalance", value: { entity, group: groupId, member: consumer.memberId, phase: "revoke" } });
    });
    consumer.on("consumer:group:join", (e) => {
      if (self.stream) self.requestSwap();
      const assigned = e.assignments?.flatMap((a) => a.partitions) ?? [];
      emit?.({ f: "rebalance", value: { entity, group: groupId, member: e.memberId, phase: "assign", partitions: assigned } });
    });
    try {
      // consume() joins the group first: the member returned has its assignment.
      self.attach(await consumer.consume(self.consumeOptions()), self.epoch);
    } catch (err) {
      await consumer.close(true).catch(() => {});
      throw err;
    }
    return self;
  }

  private consumeOptions(): ConsumeOptions<string | undefined, Buffer, string, string> {
    // Start each partition at the group's committed offset, or at the beginning when there is none.
    return { topics: [this.topic], mode: "committed", fallbackMode: "earliest", autocommit: false, sessionTimeout: SESSION_TIMEOUT_MS, rebalanceTimeout: SESSION_TIMEOUT_MS, heartbeatInterval: 100 };
  }

  /** Forget what was fetched: it belongs to the partitions' next owners (maybe this member again). */
  private newEpoch(): void {
    this.epoch++;
    this.buffer.length = 0;
    this.nextCommit.clear();
  }

  private requestSwap(): void {
    this.newEpoch();
    if (this.swapping) {
      this.swapAgain = true;
      return;
    }
    this.swapping = (async () => {
      do {
        this.swapAgain = false;
        await this.swapStream().catch(() => {});
      } while (this.swapAgain && !this.closing);
      this.swapping = undefined;
    })();
  }

  /** Open the new stream before closing the old: the topic stays tracked, so no rejoin is triggered. */
  private async swapStream(): Promise<void> {
    if (this.closing) return;
    const epoch = this.epoch;
    const next = await this.consumer.consume(this.consumeOptions());
    const old = this.stream;
    this.attach(next, epoch);
    await old?.close().catch(() => {});
  }

  private attach(stream: Stream, epoch: number): void {
    this.stream = stream;
    const generation = this.consumer.generationId;
    const memberId = this.consumer.memberId ?? "";
    stream.on("data", (m: Record) => {
      if (stream !== this.stream || epoch !== this.epoch) return;
      // A stream starts each partition at its committed position, so the first record is the next to commit.
      if (!this.nextCommit.has(m.partition)) this.nextCommit.set(m.partition, Number(m.offset));
      this.buffer.push(this.toHeld(m, epoch, generation, memberId));
      if (this.buffer.length >= MAX_BUFFERED) stream.pause();
    });
    // A stream destroyed by an error (e.g. a failed fetch) is replaced, as kafkajs restarts its consumer.
    stream.on("error", () => {
      if (stream === this.stream && !this.closing) setTimeout(() => this.requestSwap(), 200).unref();
    });
  }

  private toHeld(m: Record, epoch: number, generation: number, memberId: string): Held {
    const id = m.headers.get(ID_HEADER) ?? "";
    const key = m.headers.get(KEY_HEADER);
    const offset = Number(m.offset);
    const token = `${m.partition}:${offset}`;
    const delivery: Delivery = { id, entity: this.entity, brokerId: token, partition: m.partition, offset: String(offset), deliveryCount: null, lockToken: token, ...(key !== undefined ? { key } : {}) };
    return { partition: m.partition, offset, leaderEpoch: m.leaderEpoch, delivery, epoch, generation, memberId };
  }

  async receive(max: number, waitMs: number): Promise<Delivery[]> {
    const deadline = Date.now() + waitMs;
    while (this.buffer.length === 0 && Date.now() < deadline && !this.closing) await new Promise((r) => setTimeout(r, POLL_MS));
    const taken = this.buffer.splice(0, max);
    if (this.buffer.length < MAX_BUFFERED / 2 && this.stream?.isPaused()) this.stream.resume();
    for (const h of taken) this.held.set(h.delivery.lockToken!, h);
    return taken.map((h) => h.delivery);
  }

  async settle(delivery: Delivery, outcome: SettleOutcome): Promise<void> {
    const h = heldForCommit(delivery.lockToken ? this.held.get(delivery.lockToken) : undefined, delivery.lockToken, outcome);
    try {
      checkCommittable(h, this.epoch, this.nextCommit);
      await this.committer.commit(h.partition, h.offset + 1, h.leaderEpoch, h.generation, h.memberId);
      if (h.epoch === this.epoch) this.nextCommit.set(h.partition, h.offset + 1);
    } finally {
      this.held.delete(delivery.lockToken!);
    }
  }

  async renew(): Promise<number> {
    throw new DefiniteFailure("Kafka has no per-message lock to renew", "not-supported");
  }

  /** Leave the group without committing: the partitions, and what was not committed, go to the others. */
  async crash(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.buffer.length = 0;
    // force: close the streams too (nothing is committed: autocommit is off).
    await this.consumer.close(true).catch(() => {});
    await this.committer.close();
  }

  async close(): Promise<void> {
    await this.crash();
  }
}
