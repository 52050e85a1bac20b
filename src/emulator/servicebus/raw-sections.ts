/**
 * Byte-level AMQP 1.0 message sections. The emulator keeps a client's message as the bytes it
 * was sent in and re-emits properties, application-properties, body and footer verbatim, so
 * every AMQP type (int vs uint, long vs ulong, boolean, char, decimal…) and the section order
 * survive the round trip; only the header, delivery annotations and message annotations are
 * rebuilt, and the annotation map is spliced, never re-typed.
 */
import { codec, types } from "./amqp.js";

/** Section descriptor codes (AMQP 1.0 §3.2). */
export const SECTION = {
  header: 0x70,
  deliveryAnnotations: 0x71,
  messageAnnotations: 0x72,
  properties: 0x73,
  applicationProperties: 0x74,
  footer: 0x78,
} as const;

export interface RawSection {
  /** 0x70 header … 0x75 data, 0x76 amqp-sequence, 0x77 amqp-value, 0x78 footer. */
  code: number;
  bytes: Buffer;
}

/** Byte length of the encoded value starting at `pos` (constructor included). */
export function valueLength(buf: Buffer, pos: number): number {
  const code = buf[pos];
  if (code === undefined) throw new Error(`truncated AMQP value at ${pos}`);
  if (code === 0x00) {
    const d = valueLength(buf, pos + 1);
    return 1 + d + valueLength(buf, pos + 1 + d);
  }
  const width = FIXED[code >> 4];
  if (width !== undefined) return 1 + width;
  switch (code >> 4) {
    case 0xa:
    case 0xc:
    case 0xe:
      return 2 + buf.readUInt8(pos + 1);
    case 0xb:
    case 0xd:
    case 0xf:
      return 5 + buf.readUInt32BE(pos + 1);
  }
  throw new Error(`unknown AMQP constructor 0x${code.toString(16)} at ${pos}`);
}
const FIXED: Record<number, number> = { 0x4: 0, 0x5: 1, 0x6: 2, 0x7: 4, 0x8: 8, 0x9: 16 };

/** The numeric descriptor of the described value at `pos` (0x00 smallulong/ulong), or undefined. */
function sectionCode(buf: Buffer, pos: number): number | undefined {
  if (buf[pos] !== 0x00) return undefined;
  if (buf[pos + 1] === 0x53) return buf[pos + 2];
  if (buf[pos + 1] === 0x80) return Number(buf.readBigUInt64BE(pos + 2));
  if (buf[pos + 1] === 0x44) return 0;
  return undefined;
}

/** Split an encoded message into its sections, in wire order. Throws on malformed bytes. */
export function splitSections(buf: Buffer): RawSection[] {
  const out: RawSection[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const code = sectionCode(buf, pos);
    if (code === undefined || code < 0x70 || code > 0x78) throw new Error(`not a message section at byte ${pos}`);
    const len = valueLength(buf, pos);
    if (pos + len > buf.length) throw new Error(`section at byte ${pos} overruns the message`);
    out.push({ code, bytes: buf.subarray(pos, pos + len) });
    pos += len;
  }
  return out;
}

/** Offset of the section's value (after 0x00 and the descriptor). */
function valueStart(section: Buffer): number {
  return 1 + valueLength(section, 1);
}

interface Entry {
  key: unknown;
  bytes: Buffer;
}

/** The entries of a map section (annotations, application-properties), each kept as raw bytes. */
function mapEntries(section: Buffer): Entry[] {
  const start = valueStart(section);
  const code = section[start];
  let pos: number;
  let count: number;
  if (code === 0xc1) {
    count = section.readUInt8(start + 2);
    pos = start + 3;
  } else if (code === 0xd1) {
    count = section.readUInt32BE(start + 5);
    pos = start + 9;
  } else if (code === 0x40) return [];
  else throw new Error(`map section holds constructor 0x${code?.toString(16)}`);
  const entries: Entry[] = [];
  for (let i = 0; i + 1 < count; i += 2) {
    const klen = valueLength(section, pos);
    const vlen = valueLength(section, pos + klen);
    const key = new codec.Reader(section.subarray(pos, pos + klen)).read().value;
    entries.push({ key, bytes: section.subarray(pos, pos + klen + vlen) });
    pos += klen + vlen;
  }
  return entries;
}

/** Encode one typed value (rhea Typed) to bytes. */
export function encodeTyped(value: unknown): Buffer {
  const w = new codec.Writer();
  w.write(value as never);
  return w.toBuffer() as Buffer;
}

/**
 * A map section with `set` spliced in: entries whose key is in `set` (or in `remove`) are
 * dropped, the rest keep their exact bytes, new entries (already typed) are appended.
 * `keyWrap` types the new keys (symbol for annotations, string for application properties).
 */
export function spliceMapSection(code: number, section: Buffer | undefined, set: Record<string, unknown>, keyWrap: (k: string) => unknown, remove: string[] = []): Buffer {
  const drop = new Set([...Object.keys(set), ...remove]);
  const kept = section ? mapEntries(section).filter((e) => !drop.has(String(e.key))) : [];
  const added = Object.entries(set).map(([k, v]) => Buffer.concat([encodeTyped(keyWrap(k)), encodeTyped(v)]));
  const content = Buffer.concat([...kept.map((e) => e.bytes), ...added]);
  const head = Buffer.alloc(12);
  head.writeUInt8(0x00, 0);
  head.writeUInt8(0x53, 1);
  head.writeUInt8(code, 2);
  head.writeUInt8(0xd1, 3);
  head.writeUInt32BE(content.length + 4, 4);
  head.writeUInt32BE((kept.length + added.length) * 2, 8);
  return Buffer.concat([head, content]);
}
