/** A message as the emulator keeps it, and its encoding with the broker stamps the SDK reads. */
import { codec, decodeMessage, encodeMessage, headerSection, type Message, rawOf, types } from "./amqp.js";
import { guidToBytes } from "./lock-token.js";
import { encodeTyped, SECTION, spliceMapSection, splitSections } from "./raw-sections.js";

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
  /** The client's message as decoded by rhea; its exact bytes ride along (amqp.ts `rawOf`). */
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
  /** The entity a dead letter came from (kept for snapshots; not stamped, see encodeStamped). */
  deadLetterSource?: string;
  /** Message annotations set by a settlement (abandon/defer properties-to-modify), already typed. */
  annotationsSet?: Record<string, unknown>;
  /** Application properties added by dead-lettering (reason, description, properties), already typed. */
  propertiesSet?: Record<string, unknown>;
  size: number;
}

const STATE_CODE: Record<MessageState, number> = { active: 0, deferred: 1, scheduled: 2 };
const BODY = new Set([0x75, 0x76, 0x77]);

/**
 * Encode for a transfer or a $management reply: a new header (delivery count), delivery
 * annotations (the lock token, for $management replies), the client's message annotations with
 * the broker's stamps spliced in, then every other section byte for byte in the order it came.
 * `x-opt-deadletter-source` is not stamped: the service sets it only on dead letters forwarded
 * from another entity's DLQ, which the emulator does not do.
 */
export function encodeStamped(m: StoredMessage, opts: { lockedUntil?: number; omitBody?: boolean; lockToken?: string } = {}): Buffer {
  const sections = splitSections(rawOf(m.amqp) ?? encodeMessage(m.amqp));
  const stamps: Record<string, unknown> = { ...(m.annotationsSet ?? {}) };
  stamps["x-opt-sequence-number"] = types.wrap_long(m.seq);
  stamps["x-opt-enqueue-sequence-number"] = types.wrap_long(m.seq);
  stamps["x-opt-enqueued-time"] = types.wrap_timestamp(m.enqueuedAt);
  stamps["x-opt-message-state"] = types.wrap_int(STATE_CODE[m.state]);
  if (opts.lockedUntil !== undefined) stamps["x-opt-locked-until"] = types.wrap_timestamp(Math.round(opts.lockedUntil));
  const find = (code: number) => sections.find((s) => s.code === code)?.bytes;
  const out: Buffer[] = [encodeTyped(headerSection(headerFields(m)))];
  if (opts.lockToken) out.push(spliceMapSection(SECTION.deliveryAnnotations, undefined, { "x-opt-lock-token": types.wrap_uuid(guidToBytes(opts.lockToken)) }, types.wrap_symbol));
  out.push(spliceMapSection(SECTION.messageAnnotations, find(SECTION.messageAnnotations), stamps, types.wrap_symbol));
  let wroteProperties = false;
  let wroteApplication = false;
  const properties = () => {
    wroteProperties = true;
    const p = find(SECTION.properties);
    const id = m.amqp.message_id;
    // The broker fills in message-id when the sender left it out (namespace.ts).
    if (id === undefined || id === null || (p && hasMessageId(p))) return p ? [p] : [];
    return [withMessageId(p, String(id))];
  };
  const application = () => {
    wroteApplication = true;
    const a = find(SECTION.applicationProperties);
    if (!m.propertiesSet) return a ? [a] : [];
    return [spliceMapSection(SECTION.applicationProperties, a, m.propertiesSet, types.wrap_string)];
  };
  for (const s of sections) {
    if (s.code <= SECTION.messageAnnotations) continue;
    if (s.code === SECTION.properties) out.push(...properties());
    else if (s.code === SECTION.applicationProperties) {
      if (!wroteProperties) out.push(...properties());
      out.push(...application());
    } else {
      if (!wroteProperties) out.push(...properties());
      if (!wroteApplication) out.push(...application());
      if (opts.omitBody && BODY.has(s.code)) continue;
      out.push(s.bytes);
    }
  }
  if (!wroteProperties) out.push(...properties());
  if (!wroteApplication) out.push(...application());
  return Buffer.concat(out);
}

function headerFields(m: StoredMessage): Record<string, unknown> {
  const h: Record<string, unknown> = { delivery_count: m.deliveries };
  const a = m.amqp as unknown as Record<string, unknown>;
  for (const k of ["durable", "priority", "ttl", "first_acquirer"]) if (a[k] !== undefined && a[k] !== null) h[k] = a[k];
  return h;
}

function hasMessageId(section: Buffer): boolean {
  const typed = new codec.Reader(section).read() as { value: Array<{ value: unknown }> };
  const first = Array.isArray(typed.value) ? typed.value[0] : undefined;
  return first !== undefined && first.value !== null && first.value !== undefined;
}

/** The properties section with message-id set to `id` (its other fields keep their bytes' types). */
function withMessageId(section: Buffer | undefined, id: string): Buffer {
  if (!section) return encodeTyped(types.described(types.wrap_ulong(SECTION.properties), types.wrap_list([types.wrap_string(id)])));
  const typed = new codec.Reader(section).read() as { value: unknown[] };
  // A copy: rhea decodes every list0 to one shared empty array.
  const fields = Array.isArray(typed.value) ? [...typed.value] : [];
  fields[0] = types.wrap_string(id);
  return encodeTyped(types.described(types.wrap_ulong(SECTION.properties), types.wrap_list(fields)));
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
  return rawOf(m)?.length ?? encodeMessage(m).length;
}
