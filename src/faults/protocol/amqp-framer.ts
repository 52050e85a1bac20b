/**
 * AMQP 0-9-1 framing for the protocol proxy: cuts a byte stream (either direction) into units,
 * a unit being one frame, or a content-bearing method (basic.publish, basic.deliver,
 * basic.get-ok, basic.return) together with its content header and body frames, so that
 * dropping or duplicating it keeps the stream well formed. Units come out in stream order;
 * a unit's `raw` bytes are exactly the bytes read, so forwarding every unit is transparent.
 */

/** The 8-byte protocol header a client sends first. */
export const AMQP_HEADER = Buffer.from("AMQP\x00\x00\x09\x01", "latin1");
const FRAME_END = 0xce;

/** Method names the proxy knows, by class and method id (the rest are named "class.method"). */
export const AMQP_METHODS: Readonly<Record<string, string>> = {
  "10.10": "connection.start", "10.11": "connection.start-ok", "10.30": "connection.tune", "10.31": "connection.tune-ok",
  "10.40": "connection.open", "10.41": "connection.open-ok", "10.50": "connection.close", "10.51": "connection.close-ok",
  "10.60": "connection.blocked", "10.61": "connection.unblocked",
  "20.10": "channel.open", "20.11": "channel.open-ok", "20.40": "channel.close", "20.41": "channel.close-ok",
  "50.10": "queue.declare", "50.11": "queue.declare-ok",
  "60.40": "basic.publish", "60.50": "basic.return", "60.60": "basic.deliver", "60.70": "basic.get", "60.71": "basic.get-ok",
  "60.72": "basic.get-empty", "60.80": "basic.ack", "60.90": "basic.reject", "60.120": "basic.nack",
  "85.10": "confirm.select", "85.11": "confirm.select-ok",
};

/** Every method kind a protocol fault may name. */
export const AMQP_KINDS: readonly string[] = Object.values(AMQP_METHODS);

const WITH_CONTENT = new Set(["basic.publish", "basic.return", "basic.deliver", "basic.get-ok"]);
const WITH_TAG = new Set(["basic.ack", "basic.nack", "basic.reject", "basic.deliver", "basic.get-ok"]);

/** One unit of an AMQP stream. */
export interface AmqpUnit {
  /** "protocol-header", "heartbeat", a method name ("basic.ack"), or "content" (a stray header/body frame). */
  kind: string;
  channel: number;
  /** basic.ack/nack/reject/deliver/get-ok: the delivery tag. */
  deliveryTag?: bigint;
  raw: Buffer;
}

interface Frame {
  type: number;
  channel: number;
  payload: Buffer;
  raw: Buffer;
}

/** Incremental AMQP 0-9-1 framer; `fromClient` expects the protocol header first. */
export class AmqpFramer {
  private buffer: Buffer = Buffer.alloc(0);
  private headerPending: boolean;
  /** Content-bearing methods waiting for their content, per channel. */
  private readonly open = new Map<number, { unit: AmqpUnit; parts: Buffer[]; remaining: bigint | undefined }>();

  constructor(fromClient: boolean) {
    this.headerPending = fromClient;
  }

  /** Bytes buffered that are not yet a whole unit. */
  get pending(): number {
    let n = this.buffer.length;
    for (const o of this.open.values()) n += o.parts.reduce((s, p) => s + p.length, 0);
    return n;
  }

  /** Feed bytes; returns the units they completed, in order. Throws on a malformed stream. */
  push(chunk: Buffer): AmqpUnit[] {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const out: AmqpUnit[] = [];
    if (this.headerPending) {
      if (this.buffer.length < 8) return out;
      this.headerPending = false;
      out.push({ kind: "protocol-header", channel: 0, raw: this.buffer.subarray(0, 8) });
      this.buffer = this.buffer.subarray(8);
    }
    let at = 0;
    while (this.buffer.length - at >= 7) {
      const size = this.buffer.readUInt32BE(at + 3);
      if (this.buffer.length - at < size + 8) break;
      if (this.buffer[at + 7 + size] !== FRAME_END) throw new Error(`AMQP frame at byte ${at} has no frame-end octet`);
      const raw = this.buffer.subarray(at, at + size + 8);
      this.frame({ type: raw[0]!, channel: raw.readUInt16BE(1), payload: raw.subarray(7, 7 + size), raw }, out);
      at += size + 8;
    }
    this.buffer = this.buffer.subarray(at);
    return out;
  }

  private frame(f: Frame, out: AmqpUnit[]): void {
    if (f.type === 8) return void out.push({ kind: "heartbeat", channel: f.channel, raw: f.raw });
    const open = this.open.get(f.channel);
    if (f.type === 1) {
      if (open) this.flush(f.channel, out); // a method ends any content (spec 4.2.6)
      const unit = decodeMethod(f);
      if (WITH_CONTENT.has(unit.kind)) this.open.set(f.channel, { unit, parts: [f.raw], remaining: undefined });
      else out.push(unit);
      return;
    }
    if (!open) return void out.push({ kind: "content", channel: f.channel, raw: f.raw });
    open.parts.push(f.raw);
    if (f.type === 2) open.remaining = f.payload.readBigUInt64BE(4);
    else if (f.type === 3 && open.remaining !== undefined) open.remaining -= BigInt(f.payload.length);
    if (open.remaining !== undefined && open.remaining <= 0n) this.flush(f.channel, out);
  }

  private flush(channel: number, out: AmqpUnit[]): void {
    const open = this.open.get(channel)!;
    this.open.delete(channel);
    out.push({ ...open.unit, raw: open.parts.length === 1 ? open.parts[0]! : Buffer.concat(open.parts) });
  }
}

function decodeMethod(f: Frame): AmqpUnit {
  const classId = f.payload.readUInt16BE(0);
  const methodId = f.payload.readUInt16BE(2);
  const kind = AMQP_METHODS[`${classId}.${methodId}`] ?? `${classId}.${methodId}`;
  const unit: AmqpUnit = { kind, channel: f.channel, raw: f.raw };
  if (WITH_TAG.has(kind)) unit.deliveryTag = readTag(kind, f.payload.subarray(4));
  return unit;
}

function readTag(kind: string, args: Buffer): bigint | undefined {
  if (kind === "basic.deliver") {
    // consumer-tag (shortstr), then delivery-tag
    const at = 1 + args[0]!;
    return args.length >= at + 8 ? args.readBigUInt64BE(at) : undefined;
  }
  return args.length >= 8 ? args.readBigUInt64BE(0) : undefined;
}

/** A method frame (for tests and injected answers): class, method, argument bytes. */
export function amqpMethodFrame(channel: number, classId: number, methodId: number, args: Buffer = Buffer.alloc(0)): Buffer {
  const payload = Buffer.alloc(4 + args.length);
  payload.writeUInt16BE(classId, 0);
  payload.writeUInt16BE(methodId, 2);
  args.copy(payload, 4);
  const frame = Buffer.alloc(8 + payload.length);
  frame[0] = 1;
  frame.writeUInt16BE(channel, 1);
  frame.writeUInt32BE(payload.length, 3);
  payload.copy(frame, 7);
  frame[7 + payload.length] = FRAME_END;
  return frame;
}
