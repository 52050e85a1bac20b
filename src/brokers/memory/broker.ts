import type { EntitySpec } from "../../core/entities.js";
import type { Delivery, SentMessage, SettleOutcome } from "../../core/history.js";
import { DefiniteFailure, LockLostError } from "../../core/errors.js";
import { NS_PER_MS } from "../../core/clock.js";
import type { Defect } from "./defects.js";
import type { SeededRandom } from "./random.js";
import { type StoredMessage, Store } from "./store.js";
import type { VirtualClock } from "./virtual-clock.js";

export interface MemoryBrokerOptions {
  clock: VirtualClock;
  random: SeededRandom;
  defects?: ReadonlySet<Defect>;
  /** Probability that an enabled defect strikes at each chance it gets. */
  defectRate?: number;
}

export const MAX_DELIVERY_REASON = "MaxDeliveryCountExceeded";

/**
 * The embedded reference broker: queues with competing consumers, peek-lock with expiring
 * locks, receive-and-delete, delivery counts, dead-letter queues, per-key ordering (a key is
 * held by one consumer at a time, like Service Bus sessions), topics with subscriptions and
 * duplicate detection. Semantics follow Azure Service Bus; deliveryCount is 1-based.
 * Every method is synchronous; the driver adds network latency and long polling.
 */
export class MemoryBroker {
  private readonly stores = new Map<string, Store>();
  private readonly topics = new Map<string, string[]>();
  private readonly dedupe = new Map<string, { windowMs: number; seen: Map<string, number> }>();
  /** Lock token → (address, seq); kept after expiry so late settlements can be told apart. */
  private readonly tokens = new Map<string, { store: Store; seq: number }>();
  private readonly waiters = new Map<string, Set<() => void>>();
  private tokenCounter = 0;
  private readonly defects: ReadonlySet<Defect>;
  private readonly defectRate: number;

  constructor(private readonly options: MemoryBrokerOptions) {
    this.defects = options.defects ?? new Set();
    this.defectRate = options.defectRate ?? 0.25;
  }

  private get now(): number {
    return this.options.clock.now();
  }

  /** Create queues, topics and subscriptions (idempotent). */
  provision(entities: readonly EntitySpec[]): void {
    for (const e of entities) {
      if (e.kind === "queue") {
        if (!this.stores.has(e.name)) this.stores.set(e.name, new Store(e.name, e));
        if (e.duplicateDetectionMs) this.dedupe.set(e.name, { windowMs: e.duplicateDetectionMs, seen: new Map() });
      } else {
        const addresses = e.subscriptions.map((s) => `${e.name}/${s.name}`);
        this.topics.set(e.name, addresses);
        e.subscriptions.forEach((s, i) => {
          const address = addresses[i]!;
          if (!this.stores.has(address)) this.stores.set(address, new Store(address, s));
        });
      }
    }
  }

  /** Accept messages for a queue or topic. Throws DefiniteFailure for an unknown entity. */
  send(target: string, messages: readonly SentMessage[]): void {
    const addresses = this.topics.get(target) ?? (this.stores.has(target) ? [target] : undefined);
    if (!addresses) throw new DefiniteFailure(`entity "${target}" does not exist`, "not-found");
    const dedupe = this.dedupe.get(target);
    for (const m of messages) {
      if (dedupe) {
        const last = dedupe.seen.get(m.id);
        if (last !== undefined && this.now - last < dedupe.windowMs * NS_PER_MS) continue;
        dedupe.seen.set(m.id, this.now);
      }
      if (this.strikes("lose-acked")) continue;
      for (const address of addresses) {
        this.storeOf(address).enqueue(m.id, m.key, m.size ?? 0, this.now);
        this.notify(address);
      }
    }
  }

  /** Hand out up to `max` available messages to `consumer` (no waiting). */
  receive(address: string, consumer: string, max: number, mode: "peek-lock" | "receive-and-delete"): Delivery[] {
    const store = this.storeOf(address);
    this.expireLocks(store);
    const out: Delivery[] = [];
    const ordered = store.settings.orderedKeys === true;
    const blockedKeys = new Set<string>();
    for (const m of store.ordered()) {
      if (out.length >= max) break;
      if (m.state === "deferred") continue;
      const key = m.key;
      if (m.state === "locked" && !m.leaked) {
        if (ordered && key !== undefined && m.holder !== consumer) blockedKeys.add(key);
        continue;
      }
      if (key !== undefined) {
        if (ordered) {
          if (blockedKeys.has(key)) continue;
          const holder = store.keyHolders.get(key);
          if (holder !== undefined && holder !== consumer) continue;
        }
        // reorder-key: pass over this message so a later one of its key can go first.
        if (this.strikes("reorder-key") && this.hasLaterAvailable(store, m)) continue;
      }
      out.push(this.deliver(store, m, consumer, mode));
    }
    return out;
  }

  /** Complete, abandon, dead-letter or defer the message locked with `token`. */
  settle(address: string, token: string, outcome: SettleOutcome, reason?: string, description?: string): void {
    const store = this.storeOf(address);
    this.expireLocks(store);
    const m = this.lockedMessage(store, token);
    if (!m) {
      const late = this.tokens.get(token);
      const message = late && late.store === store ? store.messages.get(late.seq) : undefined;
      if (!message || !this.defects.has("accept-after-lock-loss")) throw new LockLostError(`lock ${token} lost or expired`);
      if (outcome === "complete") this.remove(store, message);
      else if (outcome === "dead-letter") this.deadLetter(store, message, reason ?? "DeadLetteredByReceiver", description);
      return;
    }
    switch (outcome) {
      case "complete":
        if (this.strikes("duplicate-delivery")) this.release(store, m, false);
        else this.remove(store, m);
        return;
      case "abandon":
        this.release(store, m, true);
        return;
      case "dead-letter":
        this.unlock(store, m);
        this.deadLetter(store, m, reason ?? "DeadLetteredByReceiver", description);
        return;
      case "defer":
        this.unlock(store, m);
        m.state = "deferred";
        return;
    }
  }

  /** Extend a held lock by the lock duration; returns the new lockedUntil (ns). */
  renew(address: string, token: string): number {
    const store = this.storeOf(address);
    this.expireLocks(store);
    const m = this.lockedMessage(store, token);
    if (!m) throw new LockLostError(`lock ${token} lost or expired`);
    m.lockedUntil = this.now + store.lockDurationMs * NS_PER_MS;
    this.scheduleExpiry(store, m);
    return m.lockedUntil;
  }

  /** Remove and return what is left (available and deferred, or the DLQ); locked ones stay. */
  drain(address: string, dlq: boolean): { deliveries: Delivery[]; locked: number; nextExpiry?: number } {
    const store = this.storeOf(address);
    this.expireLocks(store);
    if (dlq) {
      const deliveries = store.deadLetters.map((m) => this.describe(store, m, { dlq: true }));
      store.deadLetters.length = 0;
      return { deliveries, locked: 0 };
    }
    const deliveries: Delivery[] = [];
    let locked = 0;
    let nextExpiry: number | undefined;
    for (const m of [...store.ordered()]) {
      if (m.state === "locked") {
        locked += 1;
        nextExpiry = Math.min(nextExpiry ?? Infinity, m.lockedUntil ?? Infinity);
        continue;
      }
      const deferred = m.state === "deferred";
      m.deliveryCount += 1;
      deliveries.push(this.describe(store, m, { deferred }));
      this.remove(store, m);
    }
    return { deliveries, locked, nextExpiry };
  }

  /** Resolve when something may have become receivable at `address`, or after `timeoutMs`. */
  waitForMessages(address: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      let set = this.waiters.get(address);
      if (!set) this.waiters.set(address, (set = new Set()));
      const waiters = set;
      const wake = () => {
        waiters.delete(wake);
        cancel();
        resolve();
      };
      const cancel = this.options.clock.schedule(timeoutMs, wake);
      waiters.add(wake);
    });
  }

  /** Addresses of every receivable entity (queues and subscriptions). */
  addresses(): string[] {
    return [...this.stores.keys()];
  }

  private storeOf(address: string): Store {
    const store = this.stores.get(address);
    if (!store) throw new DefiniteFailure(`entity "${address}" does not exist`, "not-found");
    return store;
  }

  private strikes(defect: Defect): boolean {
    return this.defects.has(defect) && this.options.random.chance(this.defectRate);
  }

  private hasLaterAvailable(store: Store, m: StoredMessage): boolean {
    for (const other of store.ordered()) {
      if (other.seq > m.seq && other.key === m.key && other.state === "available") return true;
    }
    return false;
  }

  private deliver(store: Store, m: StoredMessage, consumer: string, mode: "peek-lock" | "receive-and-delete"): Delivery {
    m.deliveryCount += 1;
    if (mode === "receive-and-delete") {
      const d = this.describe(store, m, {});
      this.remove(store, m);
      return d;
    }
    if (m.leaked) {
      m.leaked = false; // the second holder gets a fresh token below; the first holder's lock is forgotten
      this.unlock(store, m);
    }
    m.state = "locked";
    store.locked.add(m);
    m.holder = consumer;
    m.lockToken = `lock-${++this.tokenCounter}`;
    m.lockedUntil = this.now + store.lockDurationMs * NS_PER_MS;
    this.tokens.set(m.lockToken, { store, seq: m.seq });
    if (m.key !== undefined) store.keyHolders.set(m.key, consumer);
    this.scheduleExpiry(store, m);
    const d = this.describe(store, m, {});
    if (this.strikes("early-redelivery")) {
      m.leaked = true;
      this.notify(store.address);
    }
    return d;
  }

  private describe(store: Store, m: StoredMessage, extra: { dlq?: boolean; deferred?: boolean }): Delivery {
    const d: Delivery = { id: m.id, entity: store.address, brokerId: String(m.seq), deliveryCount: m.deliveryCount };
    if (m.key !== undefined) d.key = m.key;
    if (m.state === "locked" && !extra.dlq) {
      d.lockToken = m.lockToken;
      d.lockedUntil = m.lockedUntil;
    }
    if (m.deliveryCount > 1) d.redelivered = true;
    if (extra.dlq) {
      d.dlq = true;
      d.deadLetterReason = m.deadLetterReason;
      if (m.deadLetterDescription !== undefined) d.deadLetterDescription = m.deadLetterDescription;
    }
    if (extra.deferred) d.deferred = true;
    return d;
  }

  private lockedMessage(store: Store, token: string): StoredMessage | undefined {
    const ref = this.tokens.get(token);
    if (!ref || ref.store !== store) return undefined;
    const m = store.messages.get(ref.seq);
    return m && m.state === "locked" && m.lockToken === token ? m : undefined;
  }

  /** Unlock and make available again; dead-letter once the delivery count reaches the maximum. */
  private release(store: Store, m: StoredMessage, countsAsFailure: boolean): void {
    this.unlock(store, m);
    m.state = "available";
    const max = store.settings.maxDeliveryCount;
    if (countsAsFailure && max !== undefined && m.deliveryCount >= max && !this.strikes("skip-dlq")) {
      this.deadLetter(store, m, MAX_DELIVERY_REASON, `delivered ${m.deliveryCount} times`);
      return;
    }
    this.notify(store.address);
  }

  private unlock(store: Store, m: StoredMessage): void {
    const key = m.key;
    m.state = "available";
    store.locked.delete(m);
    m.lockToken = undefined;
    m.lockedUntil = undefined;
    const holder = m.holder;
    m.holder = undefined;
    if (key !== undefined && holder !== undefined && store.keyHolders.get(key) === holder && !store.holdsKey(key, holder)) {
      store.keyHolders.delete(key);
      this.notify(store.address);
    }
  }

  private deadLetter(store: Store, m: StoredMessage, reason: string, description?: string): void {
    this.remove(store, m);
    m.deadLetterReason = reason;
    m.deadLetterDescription = description;
    store.deadLetters.push(m);
  }

  private remove(store: Store, m: StoredMessage): void {
    if (m.state === "locked") this.unlock(store, m);
    store.messages.delete(m.seq);
  }

  private expireLocks(store: Store): void {
    const now = this.now;
    for (const m of [...store.locked]) {
      if (m.lockedUntil !== undefined && m.lockedUntil <= now) this.release(store, m, true);
    }
  }

  private scheduleExpiry(store: Store, m: StoredMessage): void {
    const delayMs = ((m.lockedUntil ?? this.now) - this.now) / NS_PER_MS;
    this.options.clock.schedule(delayMs, () => {
      this.expireLocks(store);
    });
  }

  private notify(address: string): void {
    const set = this.waiters.get(address);
    if (!set) return;
    for (const wake of [...set]) wake();
  }
}
