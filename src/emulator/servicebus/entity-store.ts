/**
 * State of one receivable entity (a queue, a subscription, or their dead-letter queue) in real
 * time: sequence numbers, peek-lock with expiring locks, delivery counts, dead-lettering,
 * deferral, scheduled messages, TTL expiry, sessions, and dispatch to consumers with credit.
 */
import type { Message } from "rhea";
import { types } from "./amqp.js";
import { newLockToken } from "./lock-token.js";
import type { ReceivableSettings } from "./model.js";
import { ReadyIndex } from "./ready-index.js";
import { SessionTable } from "./sessions.js";
import { encodeStamped, type StoredMessage } from "./stored-message.js";

/** A receiving link, seen from the store. */
export interface Consumer {
  readonly id: string;
  /** The session this receiver holds (session entities only). */
  readonly sessionId?: string;
  readonly receiveAndDelete: boolean;
  available(): number;
  deliver(bytes: Buffer, lockToken: string | undefined): void;
}

export type Disposition =
  | { kind: "complete" }
  | { kind: "abandon"; annotations?: Record<string, unknown> }
  | { kind: "defer"; annotations?: Record<string, unknown> }
  | { kind: "dead-letter"; reason?: string; description?: string; properties?: Record<string, unknown> };

export const MAX_DELIVERY_REASON = "MaxDeliveryCountExceeded";
export const TTL_EXPIRED_REASON = "TTLExpiredException";
const NO_SESSION = "";

export class EntityQueue {
  /** Every stored message by sequence number. */
  readonly messages = new Map<number, StoredMessage>();
  /** Active, unlocked messages per session id ("" without sessions), in sequence order. */
  private readonly ready = new ReadyIndex();
  private readonly byToken = new Map<string, number>();
  private consumers: Consumer[] = [];
  private nextSeq = 1;
  private turn = 0;
  readonly sessions: SessionTable;
  /** Set by the namespace: where dead letters go (undefined for a dead-letter queue itself). */
  deadLetterQueue: EntityQueue | undefined;

  constructor(
    readonly path: string,
    readonly settings: ReceivableSettings,
    onSessionLockLost: (sessionId: string, owner: string) => void = () => {},
  ) {
    this.sessions = new SessionTable(() => this.settings.lockDurationMs, (id, owner) => {
      this.releaseSessionMessages(id, owner);
      onSessionLockLost(id, owner);
    });
  }

  // ---- enqueue ----

  /** Store a client message (already past duplicate detection); returns its sequence number. */
  enqueue(amqp: Message, size: number, scheduledAt?: number): number {
    const now = Date.now();
    const enqueuedAt = scheduledAt !== undefined && scheduledAt > now ? scheduledAt : now;
    const ttl = Math.min(typeof amqp.ttl === "number" && amqp.ttl > 0 ? amqp.ttl : Infinity, this.settings.defaultTtlMs);
    const m: StoredMessage = {
      seq: this.nextSeq++,
      amqp,
      enqueuedAt,
      expiresAt: enqueuedAt + ttl,
      deliveries: 0,
      state: enqueuedAt > now ? "scheduled" : "active",
      size,
    };
    if (this.settings.requiresSession && amqp.group_id !== undefined && amqp.group_id !== null) m.sessionId = String(amqp.group_id);
    this.messages.set(m.seq, m);
    if (m.state === "scheduled") {
      m.timer = unrefTimer(() => this.activateScheduled(m), enqueuedAt - now);
    } else {
      this.armExpiry(m);
      this.makeReady(m);
    }
    return m.seq;
  }

  /** Take in a dead-lettered message (keeps its sequence number and delivery count). */
  acceptDeadLetter(m: StoredMessage, source: string, props: Record<string, unknown>): void {
    const amqp: Message = { ...m.amqp, application_properties: { ...(m.amqp.application_properties ?? {}), ...props } };
    const copy: StoredMessage = { seq: m.seq, amqp, enqueuedAt: m.enqueuedAt, expiresAt: Infinity, deliveries: m.deliveries, state: "active", size: m.size, deadLetterSource: source };
    copy.propertiesSet = { ...(m.propertiesSet ?? {}), ...typedValues(props) };
    if (m.annotationsSet) copy.annotationsSet = m.annotationsSet;
    // A session entity's DLQ is not session-enabled: the copy keeps its group_id (the SDK's
    // sessionId) but is dispatched to plain receivers, not held under a session nobody can accept.
    if (m.sessionId !== undefined && this.settings.requiresSession) copy.sessionId = m.sessionId;
    this.messages.set(copy.seq, copy);
    this.nextSeq = Math.max(this.nextSeq, copy.seq + 1);
    this.makeReady(copy);
  }

  cancelScheduled(seq: number): boolean {
    const m = this.messages.get(seq);
    if (!m || m.state !== "scheduled") return false;
    this.remove(m);
    return true;
  }

  // ---- consumers and dispatch ----

  addConsumer(c: Consumer): void {
    this.consumers.push(c);
    this.pump();
  }

  removeConsumer(c: Consumer): void {
    this.consumers = this.consumers.filter((x) => x !== c);
    if (c.sessionId !== undefined) {
      this.releaseSessionMessages(c.sessionId, c.id);
      this.sessions.release(c.sessionId, c.id);
      this.sessions.wake();
    }
    this.sessions.cancelWait(c.id);
  }

  /** Deliver ready messages to consumers with credit, round robin. */
  pump(): void {
    const n = this.consumers.length;
    let progressed = true;
    while (progressed) {
      progressed = false;
      for (let i = 0; i < n; i++) {
        const c = this.consumers[(this.turn + i) % n];
        if (!c || c.available() <= 0) continue;
        const m = this.takeReady(c.sessionId ?? NO_SESSION);
        if (!m) continue;
        this.deliverTo(c, m);
        progressed = true;
      }
      this.turn = (this.turn + 1) % Math.max(1, n);
    }
  }

  private deliverTo(c: Consumer, m: StoredMessage): void {
    if (c.receiveAndDelete) {
      const bytes = encodeStamped(m);
      this.remove(m);
      c.deliver(bytes, undefined);
      return;
    }
    const until = this.lock(m, c.id);
    const bytes = encodeStamped(m, { lockedUntil: until });
    c.deliver(bytes, m.lock!.token);
  }

  /** Lock a message for `owner`; in a session the message lock follows the session lock. */
  private lock(m: StoredMessage, owner: string): number {
    const token = newLockToken();
    if (m.sessionId !== undefined && this.settings.requiresSession && owner !== "management") {
      m.lock = { token, until: this.sessions.get(m.sessionId).lockedUntil, owner };
    } else {
      const until = Date.now() + this.settings.lockDurationMs;
      m.lock = { token, until, owner, timer: unrefTimer(() => this.loseLock(m), this.settings.lockDurationMs) };
    }
    this.byToken.set(token, m.seq);
    return m.lock.until;
  }

  // ---- settlement ----

  /** The locked message for a lock token, or undefined when the lock is lost or unknown. */
  locked(token: string): StoredMessage | undefined {
    const seq = this.byToken.get(token);
    const m = seq === undefined ? undefined : this.messages.get(seq);
    return m?.lock?.token === token ? m : undefined;
  }

  /** Apply a disposition; false = lock lost (nothing changed). */
  settle(token: string, d: Disposition): boolean {
    const m = this.locked(token);
    if (!m) return false;
    switch (d.kind) {
      case "complete":
        this.remove(m);
        break;
      case "abandon":
        mergeAnnotations(m, d.annotations);
        this.unlock(m, true);
        break;
      case "defer":
        mergeAnnotations(m, d.annotations);
        m.state = "deferred";
        m.deliveries += 1; // the service counts a deferral as a delivery attempt
        this.unlock(m, false);
        break;
      case "dead-letter":
        this.deadLetter(m, d.reason ?? "DeadLetteredByReceiver", d.description, d.properties);
        break;
    }
    this.pump();
    return true;
  }

  /** Extend a message lock; undefined = lock lost. */
  renew(token: string): number | undefined {
    const m = this.locked(token);
    if (!m || !m.lock) return undefined;
    if (m.lock.timer === undefined) return m.lock.until; // session message: follows the session lock
    clearTimeout(m.lock.timer);
    m.lock.until = Date.now() + this.settings.lockDurationMs;
    m.lock.timer = unrefTimer(() => this.loseLock(m), this.settings.lockDurationMs);
    return m.lock.until;
  }

  /** Lock expiry (or an injected lock loss): the message comes back, or goes to the DLQ at max deliveries. */
  loseLock(m: StoredMessage): void {
    if (!m.lock) return;
    this.unlock(m, true);
    this.pump();
  }

  /** Locks held right now (for fault injection). */
  lockedMessages(): StoredMessage[] {
    return [...this.messages.values()].filter((m) => m.lock !== undefined);
  }

  // ---- deferred, peek ----

  /** Lock deferred messages by sequence number (receive-by-sequence-number). */
  lockDeferred(seqs: number[], sessionId: string | undefined, receiveAndDelete: boolean): Array<{ bytes: Buffer; token?: string }> | string {
    const found = seqs.map((s) => this.messages.get(s));
    const missing = seqs.find((s, i) => { const m = found[i]; return !m || m.state !== "deferred" || m.lock !== undefined || (sessionId !== undefined && m.sessionId !== sessionId); });
    if (missing !== undefined) return `message ${missing} is not a deferred, unlocked message of ${this.path}${sessionId !== undefined ? ` session ${sessionId}` : ""}`;
    return found.map((m) => {
      if (receiveAndDelete) {
        this.remove(m!);
        return { bytes: encodeStamped(m!) };
      }
      const until = this.lock(m!, "management");
      const token = m!.lock!.token;
      // The lock token rides in the delivery annotations too: the Go SDK reads it only there.
      return { bytes: encodeStamped(m!, { lockedUntil: until, lockToken: token }), token };
    });
  }

  /** Messages from `fromSeq` on (active, locked, deferred, scheduled), without locking. */
  peek(fromSeq: number, count: number, sessionId?: string): StoredMessage[] {
    const out: StoredMessage[] = [];
    for (const m of this.messages.values()) {
      if (m.seq < fromSeq || (sessionId !== undefined && m.sessionId !== sessionId)) continue;
      if (m.expiresAt <= Date.now() && !m.lock) continue;
      out.push(m);
    }
    return out.sort((a, b) => a.seq - b.seq).slice(0, count);
  }

  // ---- sessions ----

  /** The first session with ready messages that nobody holds. */
  freeSession(): string | undefined {
    return this.ready.lowestKey(NO_SESSION, (id) => this.sessions.ownerOf(id) === undefined, (seq) => this.isReady(seq));
  }

  sessionIds(): string[] {
    return this.sessions.ids([...this.messages.values()].flatMap((m) => (m.sessionId !== undefined ? [m.sessionId] : [])));
  }

  /** The session's holder is gone: its locked messages come back (counted as deliveries). */
  private releaseSessionMessages(sessionId: string, owner: string): void {
    for (const m of this.messages.values()) {
      if (m.sessionId === sessionId && m.lock?.owner === owner) this.unlock(m, true);
    }
    this.pump();
  }

  // ---- internals ----

  private unlock(m: StoredMessage, countsAsFailure: boolean): void {
    if (m.lock) {
      clearTimeout(m.lock.timer);
      this.byToken.delete(m.lock.token);
      m.lock = undefined;
    }
    if (m.expiredWhileLocked) return this.expire(m);
    if (countsAsFailure) m.deliveries += 1;
    if (countsAsFailure && this.deadLetterQueue && m.deliveries >= this.settings.maxDeliveryCount) {
      return this.deadLetter(m, MAX_DELIVERY_REASON, `Message could not be consumed after ${this.settings.maxDeliveryCount} delivery attempts.`);
    }
    if (m.state === "active") this.makeReady(m);
  }

  private deadLetter(m: StoredMessage, reason: string, description?: string, props?: Record<string, unknown>): void {
    this.remove(m);
    if (!this.deadLetterQueue) return; // dead-lettering from the DLQ itself is not possible in the cloud either
    const extra: Record<string, unknown> = { ...(props ?? {}), DeadLetterReason: reason };
    if (description !== undefined) extra.DeadLetterErrorDescription = description;
    this.deadLetterQueue.acceptDeadLetter(m, this.path, extra);
    this.deadLetterQueue.pump();
  }

  private activateScheduled(m: StoredMessage): void {
    m.timer = undefined;
    m.state = "active";
    this.armExpiry(m);
    this.makeReady(m);
    this.pump();
  }

  private armExpiry(m: StoredMessage): void {
    const ms = m.expiresAt - Date.now();
    if (Number.isFinite(ms)) m.timer = unrefTimer(() => this.expire(m), Math.max(0, ms));
  }

  private expire(m: StoredMessage): void {
    if (!this.messages.has(m.seq)) return;
    if (m.lock) {
      m.expiredWhileLocked = true;
      return;
    }
    if (this.settings.deadLetterOnExpiration && this.deadLetterQueue) this.deadLetter(m, TTL_EXPIRED_REASON, "The message expired and was dead lettered.");
    else this.remove(m);
  }

  private makeReady(m: StoredMessage): void {
    const key = m.sessionId ?? NO_SESSION;
    this.ready.add(key, m.seq);
    if (key !== NO_SESSION) this.sessions.wake();
  }

  private isReady(seq: number): boolean {
    const m = this.messages.get(seq);
    return m !== undefined && m.state === "active" && !m.lock;
  }

  private takeReady(key: string): StoredMessage | undefined {
    const seq = this.ready.take(key, (s) => this.isReady(s));
    return seq === undefined ? undefined : this.messages.get(seq);
  }

  private remove(m: StoredMessage): void {
    if (m.lock) {
      clearTimeout(m.lock.timer);
      this.byToken.delete(m.lock.token);
      m.lock = undefined;
    }
    clearTimeout(m.timer);
    m.timer = undefined;
    this.messages.delete(m.seq);
  }

  /** Stop every timer (emulator shutdown). */
  close(): void {
    for (const m of this.messages.values()) {
      clearTimeout(m.timer);
      clearTimeout(m.lock?.timer);
    }
    this.sessions.close();
    this.consumers = [];
  }
}

function mergeAnnotations(m: StoredMessage, annotations: Record<string, unknown> | undefined): void {
  if (!annotations || !Object.keys(annotations).length) return;
  m.amqp = { ...m.amqp, message_annotations: { ...(m.amqp.message_annotations ?? {}), ...annotations } };
  m.annotationsSet = { ...(m.annotationsSet ?? {}), ...typedValues(annotations) };
}

/** Values decoded by rhea, typed again for encoding (strings stay strings). */
function typedValues(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, types.wrap(v)]));
}

function unrefTimer(fn: () => void, ms: number): NodeJS.Timeout {
  const t = setTimeout(fn, Math.min(ms, 2_147_483_647));
  t.unref();
  return t;
}
