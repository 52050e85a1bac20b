/**
 * The emulated namespace: queues, topics with subscriptions, dead-letter sub-queues, address
 * resolution (case-insensitive, like the service), duplicate detection and sending.
 */
import { randomUUID } from "node:crypto";
import type { Message } from "rhea";
import { EntityQueue } from "./entity-store.js";
import { ruleMatches } from "./filters.js";
import type { EntityModel, QueueModel, ReceivableSettings, Rule, SendableSettings, SubscriptionModel, TopicModel } from "./model.js";
import { encodedSize } from "./stored-message.js";

export class SendRejected extends Error {
  constructor(
    readonly condition: string,
    message: string,
  ) {
    super(message);
  }
}

interface Sendable {
  name: string;
  settings: SendableSettings;
  /** Queues a message goes to, and whether each accepts it. */
  targets: Array<{ queue: EntityQueue; accepts: (m: Message) => boolean }>;
  seen: Map<string, number>;
  requiresSession: boolean;
  /** Topic-level scheduled messages (a topic hands out its own sequence numbers). */
  scheduled: Map<number, NodeJS.Timeout>;
  nextScheduleSeq: number;
}

const DLQ = "/$deadletterqueue";
const TRANSFER_DLQ = "/$transfer/$deadletterqueue";

export class Namespace {
  private readonly receivables = new Map<string, EntityQueue>();
  private readonly sendables = new Map<string, Sendable>();
  private readonly transferDlqs = new Map<string, EntityQueue>();
  /** Each subscription's live rules (the rule manager changes them), by lower-case path. */
  private readonly rules = new Map<string, Rule[]>();
  readonly entities: EntityModel[];

  constructor(
    entities: EntityModel[],
    private readonly onSessionLockLost: (queue: EntityQueue, sessionId: string, owner: string) => void,
  ) {
    this.entities = entities;
    for (const e of entities) (e.kind === "queue" ? this.addQueue(e) : this.addTopic(e));
  }

  private receivable(path: string, settings: ReceivableSettings): EntityQueue {
    const q = new EntityQueue(path, settings, (id, owner) => this.onSessionLockLost(q, id, owner));
    const dlq = new EntityQueue(`${path}/$DeadLetterQueue`, { ...settings, requiresSession: false, maxDeliveryCount: Number.MAX_SAFE_INTEGER, defaultTtlMs: Infinity });
    q.deadLetterQueue = dlq;
    this.receivables.set(path.toLowerCase(), q);
    this.receivables.set(path.toLowerCase() + DLQ, dlq);
    return q;
  }

  private addQueue(e: QueueModel): void {
    const q = this.receivable(e.name, e.settings);
    this.sendables.set(e.name.toLowerCase(), { name: e.name, settings: e.settings, targets: [{ queue: q, accepts: () => true }], seen: new Map(), requiresSession: e.settings.requiresSession, scheduled: new Map(), nextScheduleSeq: 1 });
  }

  private addTopic(e: TopicModel): void {
    const targets = e.subscriptions.map((s) => this.subscriptionTarget(e.name, s));
    this.sendables.set(e.name.toLowerCase(), { name: e.name, settings: e.settings, targets, seen: new Map(), requiresSession: e.subscriptions.some((s) => s.settings.requiresSession), scheduled: new Map(), nextScheduleSeq: 1 });
  }

  private subscriptionTarget(topic: string, s: SubscriptionModel): Sendable["targets"][number] {
    const path = `${topic}/Subscriptions/${s.name}`;
    const q = this.receivable(path, s.settings);
    // No rules declared: the service's $Default rule (TrueFilter). No rules left: nothing matches.
    const rules: Rule[] = s.rules.length ? [...s.rules] : [{ name: "$Default", filter: { kind: "true" } }];
    this.rules.set(path.toLowerCase(), rules);
    return { queue: q, accepts: (m: Message) => rules.some((r) => ruleMatches(r, m)) };
  }

  // ---- run-time changes (the administration client, admin/) ----

  /** The queue or topic called `name` (case-insensitive). */
  entity(name: string): EntityModel | undefined {
    return this.entities.find((e) => e.name.toLowerCase() === name.toLowerCase());
  }

  /** Add a queue or topic (with its subscriptions); false if the name is taken. Usable over AMQP at once. */
  addEntity(e: EntityModel): boolean {
    if (this.entity(e.name) || this.receivables.has(e.name.toLowerCase())) return false;
    this.entities.push(e);
    if (e.kind === "queue") this.addQueue(e);
    else this.addTopic(e);
    return true;
  }

  /** Delete a queue or topic, its subscriptions and every message they hold; false if absent. */
  removeEntity(name: string): boolean {
    const e = this.entity(name);
    if (!e) return false;
    this.entities.splice(this.entities.indexOf(e), 1);
    const key = e.name.toLowerCase();
    const s = this.sendables.get(key);
    for (const t of s?.scheduled.values() ?? []) clearTimeout(t);
    this.sendables.delete(key);
    if (e.kind === "queue") this.dropReceivable(key);
    else for (const sub of e.subscriptions) this.dropReceivable(`${key}/subscriptions/${sub.name.toLowerCase()}`);
    return true;
  }

  /** Add a subscription to a topic; false if the topic is missing or the name taken. */
  addSubscription(topic: string, sub: SubscriptionModel): boolean {
    const t = this.entity(topic);
    const s = this.sendables.get(topic.toLowerCase());
    if (t?.kind !== "topic" || !s || t.subscriptions.some((x) => x.name.toLowerCase() === sub.name.toLowerCase())) return false;
    t.subscriptions.push(sub);
    s.targets.push(this.subscriptionTarget(t.name, sub));
    s.requiresSession = t.subscriptions.some((x) => x.settings.requiresSession);
    return true;
  }

  removeSubscription(topic: string, name: string): boolean {
    const t = this.entity(topic);
    const s = this.sendables.get(topic.toLowerCase());
    const sub = t?.kind === "topic" ? t.subscriptions.find((x) => x.name.toLowerCase() === name.toLowerCase()) : undefined;
    if (t?.kind !== "topic" || !s || !sub) return false;
    t.subscriptions.splice(t.subscriptions.indexOf(sub), 1);
    const key = `${t.name}/subscriptions/${sub.name}`.toLowerCase();
    const i = s.targets.findIndex((x) => x.queue.path.toLowerCase() === key);
    if (i >= 0) s.targets.splice(i, 1);
    s.requiresSession = t.subscriptions.some((x) => x.settings.requiresSession);
    this.dropReceivable(key);
    return true;
  }

  private dropReceivable(key: string): void {
    for (const k of [key, key + DLQ, key + TRANSFER_DLQ]) {
      this.receivables.get(k)?.close();
      this.transferDlqs.get(k)?.close();
      this.receivables.delete(k);
      this.transferDlqs.delete(k);
    }
    this.rules.delete(key);
  }

  /** The queue behind a receive address (entity, subscription, or a dead-letter sub-queue). */
  queueAt(address: string): EntityQueue | undefined {
    const key = address.toLowerCase();
    const found = this.receivables.get(key);
    if (found || !key.endsWith(TRANSFER_DLQ)) return found;
    // Transfer dead letters (forwarding) never happen here: an empty, receivable sub-queue.
    const base = this.receivables.get(key.slice(0, -TRANSFER_DLQ.length));
    if (!base) return undefined;
    let q = this.transferDlqs.get(key);
    if (!q) this.transferDlqs.set(key, (q = new EntityQueue(`${base.path}/$Transfer/$DeadLetterQueue`, base.settings)));
    return q;
  }

  /** A subscription's live rule list, for the rule manager; undefined for anything else. */
  rulesAt(address: string): Rule[] | undefined {
    return this.rules.get(address.toLowerCase());
  }

  maxMessageSize(address: string): number {
    return this.sendables.get(address.toLowerCase())?.settings.maxMessageSizeBytes ?? 0;
  }

  isSendable(address: string): boolean {
    return this.sendables.has(address.toLowerCase());
  }

  /** Store messages sent to a queue or topic; throws SendRejected (nothing stored) when one is refused. */
  send(address: string, messages: Message[]): void {
    const s = this.sendables.get(address.toLowerCase());
    if (!s) throw new SendRejected("amqp:not-found", `The messaging entity '${address}' could not be found.`);
    const sized = messages.map((m) => ({ m, size: encodedSize(m) }));
    for (const { m, size } of sized) {
      if (size > s.settings.maxMessageSizeBytes) throw new SendRejected("amqp:link:message-size-exceeded", `The message (${size} bytes) exceeds the limit of ${s.settings.maxMessageSizeBytes} bytes.`);
      if (s.requiresSession && (m.group_id === undefined || m.group_id === null)) throw new SendRejected("com.microsoft:argument-error", `The SessionId was not set on a message, and it cannot be sent to the entity '${s.name}' which requires sessions.`);
    }
    for (const { m, size } of sized) {
      if (m.message_id === undefined || m.message_id === null) m.message_id = randomUUID().replace(/-/g, "");
      if (this.isDuplicate(s, String(m.message_id))) continue;
      const at = scheduledTime(m);
      for (const t of s.targets) if (t.accepts(m)) t.queue.enqueue({ ...m }, size, at);
    }
    for (const t of s.targets) t.queue.pump();
  }

  /** schedule-message: returns one sequence number per message. */
  schedule(address: string, messages: Message[]): number[] {
    const s = this.sendables.get(address.toLowerCase());
    if (!s) throw new SendRejected("amqp:not-found", `The messaging entity '${address}' could not be found.`);
    return messages.map((m) => {
      const at = scheduledTime(m) ?? Date.now();
      if (s.targets.length === 1 && s.targets[0]!.queue.path.toLowerCase() === address.toLowerCase()) {
        return s.targets[0]!.queue.enqueue(m, encodedSize(m), at);
      }
      const seq = s.nextScheduleSeq++;
      const timer = setTimeout(() => {
        s.scheduled.delete(seq);
        for (const t of s.targets) if (t.accepts(m)) t.queue.enqueue({ ...m }, encodedSize(m));
        for (const t of s.targets) t.queue.pump();
      }, Math.max(0, at - Date.now()));
      timer.unref();
      s.scheduled.set(seq, timer);
      return seq;
    });
  }

  cancelScheduled(address: string, seqs: number[]): void {
    const s = this.sendables.get(address.toLowerCase());
    if (!s) throw new SendRejected("amqp:not-found", `The messaging entity '${address}' could not be found.`);
    for (const seq of seqs) {
      const t = s.scheduled.get(seq);
      if (t) {
        clearTimeout(t);
        s.scheduled.delete(seq);
      } else for (const target of s.targets) target.queue.cancelScheduled(seq);
    }
  }

  private isDuplicate(s: Sendable, id: string): boolean {
    const windowMs = s.settings.duplicateDetectionMs;
    if (!windowMs) return false;
    const now = Date.now();
    if (s.seen.size > 10_000) for (const [k, t] of s.seen) if (now - t >= windowMs) s.seen.delete(k);
    const last = s.seen.get(id);
    if (last !== undefined && now - last < windowMs) return true;
    s.seen.set(id, now);
    return false;
  }

  /** Every receivable queue (main and dead-letter). */
  queues(): EntityQueue[] {
    return [...this.receivables.values(), ...this.transferDlqs.values()];
  }

  close(): void {
    for (const q of this.queues()) q.close();
    for (const s of this.sendables.values()) for (const t of s.scheduled.values()) clearTimeout(t);
  }
}

function scheduledTime(m: Message): number | undefined {
  const v = (m.message_annotations as Record<string, unknown> | undefined)?.["x-opt-scheduled-enqueue-time"];
  if (v instanceof Date) return v.getTime();
  if (typeof v === "number") return v;
  return undefined;
}
