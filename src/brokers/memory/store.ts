import type { QueueSpec } from "../../core/entities.js";

/** A message as the embedded broker stores it at one receivable address. */
export interface StoredMessage {
  seq: number;
  id: string;
  key?: string;
  size: number;
  enqueuedAt: number;
  /** Deliveries so far (the next delivery reports deliveryCount + 1). */
  deliveryCount: number;
  state: "available" | "locked" | "deferred";
  lockToken?: string;
  lockedUntil?: number;
  holder?: string;
  /** early-redelivery defect: also available while locked. */
  leaked?: boolean;
  deadLetterReason?: string;
  deadLetterDescription?: string;
}

/** One receivable address (queue, or topic subscription) with its dead-letter queue. */
export class Store {
  readonly messages = new Map<number, StoredMessage>();
  readonly deadLetters: StoredMessage[] = [];
  /** Messages currently locked, so lock expiry and key checks need not scan the queue. */
  readonly locked = new Set<StoredMessage>();
  /** Key → consumer holding it (ordered-keys entities). */
  readonly keyHolders = new Map<string, string>();
  /** id → time last accepted, for duplicate detection. */
  readonly recentIds = new Map<string, number>();
  private nextSeq = 1;

  constructor(
    readonly address: string,
    readonly settings: Omit<QueueSpec, "kind">,
  ) {}

  get lockDurationMs(): number {
    return this.settings.lockDurationMs ?? 30_000;
  }

  enqueue(id: string, key: string | undefined, size: number, now: number): StoredMessage {
    const message: StoredMessage = { seq: this.nextSeq++, id, key, size, enqueuedAt: now, deliveryCount: 0, state: "available" };
    this.messages.set(message.seq, message);
    return message;
  }

  /** Messages in sequence order (Map keeps insertion order, and seqs only grow). */
  ordered(): IterableIterator<StoredMessage> {
    return this.messages.values();
  }

  /** Does any locked message of `key` belong to `holder`? */
  holdsKey(key: string, holder: string): boolean {
    for (const m of this.locked) if (m.key === key && m.holder === holder) return true;
    return false;
  }
}
