/**
 * The history: the append-only record of every operation of a run. This file is the
 * public contract documented in docs/history-format.md and schemas/history-op.schema.json.
 */

/** Completion types follow Jepsen: ok = happened, fail = definitely did not, info = unknown. */
export type OpType = "invoke" | "ok" | "fail" | "info";

/** Operation functions recorded by Gauntlet's runner. */
export type OpF =
  | "setup"
  | "send"
  | "receive"
  | "settle"
  | "renew"
  | "drain"
  | "crash"
  | "fault"
  | "upload"
  | "hydrate"
  | "delete"
  | "store";

/** One line of history.jsonl. `time` is monotonic nanoseconds since the run started. */
export interface Op<V = unknown> {
  index: number;
  time: number;
  process: string;
  type: OpType;
  f: OpF | (string & {});
  value?: V;
  /** Error text on fail/info completions. */
  error?: string;
  /** Run id, present when one file holds several runs (e.g. one per suite). */
  run?: string;
  /** On completions: the broker node that served the op, where the client tells (a cluster's node name). */
  node?: string;
}

export type History = readonly Op[];

/** A message as sent: a unique id and an optional ordering key. */
export interface SentMessage {
  id: string;
  key?: string;
  /** Payload size in bytes. */
  size?: number;
  /** Kafka, on ok send completions: the partition and offset the broker stored it at. */
  partition?: number;
  offset?: string;
  /** Claim-check runs: the payload this message stands for (a reference when `ref` is set, else inline). */
  claim?: ClaimValue;
}

/** A claim-check payload: its hash and size, and the store reference when it went out of band. */
export interface ClaimValue {
  /** Blob name in the store; absent when the payload travelled inline. */
  ref?: string;
  /** sha256 (hex) of the payload's bytes. */
  sha256: string;
  /** Payload size in bytes (the message's own `size` is what the broker carried). */
  bytes: number;
}

/** value of `upload` ops (claim-check producers): the payload of message `id` stored as `ref`. */
export interface UploadValue {
  id: string;
  ref: string;
  sha256: string;
  bytes: number;
}

/** value of `hydrate` ops (claim-check consumers): the reference of one delivery read back from the store. */
export interface HydrateValue {
  id: string;
  entity: string;
  ref: string;
  /** On completions: false when the store had no such payload. */
  found?: boolean;
  /** On completions where found: sha256 (hex) and size of the bytes read. */
  sha256?: string;
  bytes?: number;
}

/** value of `delete` ops (claim-check cleanup): the payload `ref` removed, and why. */
export interface DeleteValue {
  ref: string;
  id?: string;
  reason: "copies-settled" | "first-read" | "sweep";
}

/** value of `store` ops (claim-check): the payloads still in the store once the cleanup window passed. */
export interface StoreValue {
  cleanupWindowMs: number;
  /** On completions: every blob name left. */
  payloads?: string[];
}

/** value of `send` ops: the target entity (queue or topic) and the messages (a batch when >1). */
export interface SendValue {
  target: string;
  messages: SentMessage[];
  /** True when this send re-sends ids an earlier send already tried (producer retry). */
  retry?: boolean;
}

/** What the broker said about one delivery. Times are on the history clock (ns since start). */
export interface Delivery {
  id: string;
  key?: string;
  /** Entity delivered from: a queue name or `topic/subscription`. Never includes the DLQ suffix. */
  entity: string;
  /** True when read from the entity's dead-letter queue. */
  dlq?: boolean;
  /** Broker's own identity of the stored message (sequence number, delivery tag, offset). */
  brokerId?: string;
  /** 1-based count of deliveries including this one, as the broker reports it; null if the broker does not count. */
  deliveryCount?: number | null;
  redelivered?: boolean;
  lockToken?: string;
  /** When the lock expires, on the history clock; absent for receive-and-delete. */
  lockedUntil?: number;
  partition?: number;
  offset?: string;
  deadLetterReason?: string;
  deadLetterDescription?: string;
  /** True if fetched as a deferred message. */
  deferred?: boolean;
}

/** value of `receive` invocations and completions; also of `drain`. */
export interface ReceiveValue {
  source: string;
  mode?: "peek-lock" | "receive-and-delete";
  /** Present on completions. */
  deliveries?: Delivery[];
  /** On drain ops: true when the source (main queue or DLQ) was read. */
  dlq?: boolean;
}

export type SettleOutcome = "complete" | "abandon" | "dead-letter" | "defer";

/** value of `settle` ops. */
export interface SettleValue {
  outcome: SettleOutcome;
  id: string;
  entity: string;
  lockToken?: string;
  reason?: string;
  description?: string;
}

/** value of `renew` ops; completions carry the new lockedUntil. */
export interface RenewValue {
  id: string;
  entity: string;
  lockToken?: string;
  lockedUntil?: number;
}

/** value of `crash` ops (always type info): the client died; its locks are held or released. */
export interface CrashValue {
  reason?: string;
  /** Receive-and-delete: ids the client had taken (so the broker deleted them) and not yet processed. */
  unprocessed?: string[];
}

/** value of `fault` ops (process "nemesis"): a fault window opening or closing. */
export interface FaultValue {
  name: string;
  phase: "start" | "stop";
  target?: string;
  detail?: Record<string, unknown>;
}
