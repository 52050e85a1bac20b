/** A message as the emulator keeps it, and its encoding with the broker stamps the SDK reads. */
import { decodeMessage, encodeMessage, type Message, types } from "./amqp.js";

export type MessageState = "active" | "deferred" | "scheduled";

export interface MessageLock {
  token: string;
  until: number;
  /** Consumer id of the holder ("management" for receive-by-sequence-number). */
  owner: string;
  timer?: NodeJS.Timeout;
}

export interface StoredMessage {
  seq: number;
  /** The client's message as decoded by rhea (message_id filled in when the sender left it out). */
  amqp: Message;
  enqueuedAt: number;
  expiresAt: number;
  /** Header delivery-count: failed attempts so far (abandon, lock expiry, deferral), as the SDK's tests expect. */
  deliveries: number;
  state: MessageState;
  sessionId?: string;
  lock?: MessageLock;
  /** TTL or scheduled-enqueue timer. */
  timer?: NodeJS.Timeout;
  /** Lock held while the TTL passed: expire when the lock ends. */
  expiredWhileLocked?: boolean;
  deadLetterSource?: string;
  size: number;
}

const STATE_CODE: Record<MessageState, number> = { active: 0, deferred: 1, scheduled: 2 };

/** Encode for a transfer or a $management reply, stamped with sequence number, times and state. */
export function encodeStamped(m: StoredMessage, opts: { lockedUntil?: number; omitBody?: boolean } = {}): Buffer {
  const annotations: Record<string, unknown> = { ...(m.amqp.message_annotations ?? {}) };
  annotations["x-opt-sequence-number"] = types.wrap_long(m.seq);
  annotations["x-opt-enqueue-sequence-number"] = types.wrap_long(m.seq);
  annotations["x-opt-enqueued-time"] = types.wrap_timestamp(m.enqueuedAt);
  annotations["x-opt-message-state"] = types.wrap_int(STATE_CODE[m.state]);
  if (opts.lockedUntil !== undefined) annotations["x-opt-locked-until"] = types.wrap_timestamp(Math.round(opts.lockedUntil));
  if (m.deadLetterSource !== undefined) annotations["x-opt-deadletter-source"] = m.deadLetterSource;
  const out: Message = { ...m.amqp, delivery_count: m.deliveries, message_annotations: annotations };
  if (opts.omitBody) delete out.body;
  return encodeMessage(out);
}

/** Decode one transfer payload: a plain message, or a batch (format 0x80013700: each data section is a message). */
export function decodeTransfer(payload: Message | Buffer, format: number | undefined): Message[] {
  if (!Buffer.isBuffer(payload)) return [payload];
  const outer = decodeMessage(payload);
  if (format !== BATCH_FORMAT) return [outer];
  const body = outer.body as { content?: unknown; multiple?: boolean } | undefined;
  const sections = body?.multiple ? (body.content as Buffer[]) : body?.content !== undefined ? [body.content as Buffer] : [];
  return sections.map((b) => decodeMessage(b));
}

export const BATCH_FORMAT = 0x80013700;

/** Encoded size of a client message, as checked against max message size. */
export function encodedSize(m: Message): number {
  return encodeMessage(m).length;
}
