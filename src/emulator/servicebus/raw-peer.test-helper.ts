/**
 * A raw AMQP 1.0 peer for tests: writes frames encoded by rhea's own frame codec (no SASL, no
 * checks of its own) and decodes what the emulator answers, to send what no SDK would.
 */
import { createRequire } from "node:module";
import net from "node:net";

interface FrameCodec {
  amqp_frame(channel: number, performative: unknown, payload?: Buffer): unknown;
  write_frame(frame: unknown): Buffer;
  read_frame(buffer: Buffer): { channel: number; performative?: { constructor: { toString(): string }; toJSON(): Record<string, unknown> } };
  [performative: string]: unknown;
}
const require = createRequire(import.meta.url);
const codec = require("rhea/lib/frames.js") as FrameCodec;
const termini = require("rhea/lib/terminus.js") as Record<"source" | "target", (f: object) => { described(): unknown }>;

export const AMQP_HEADER = Buffer.from([0x41, 0x4d, 0x51, 0x50, 0x00, 0x01, 0x00, 0x00]);

/** One encoded AMQP frame: performative name ("open", "begin", "attach", "transfer", …) with its fields. */
export function amqpFrame(name: string, fields: Record<string, unknown>, channel = 0, payload?: Buffer): Buffer {
  const make = codec[name] as (f: Record<string, unknown>) => unknown;
  return codec.write_frame(codec.amqp_frame(channel, make(fields), payload));
}

/** An attach frame for a link on which this peer sends (role sender) to `address`. */
export function senderAttach(name: string, handle: number, address: string, channel = 0): Buffer {
  return amqpFrame("attach", { name, handle, role: false, source: termini.source({}).described(), target: termini.target({ address }).described(), initial_delivery_count: 0 }, channel);
}

/** A frame header declaring `size` bytes, followed by nothing (or `body`). */
export function declaredFrame(size: number, body: Buffer = Buffer.alloc(0)): Buffer {
  const head = Buffer.from([0, 0, 0, 0, 2, 0, 0, 0]);
  head.writeUInt32BE(size >>> 0);
  return Buffer.concat([head, body]);
}

/** Header + open + begin on channel 0: a session ready for attach, transfer and disposition frames. */
export const OPEN_AND_BEGIN = Buffer.concat([
  AMQP_HEADER,
  amqpFrame("open", { container_id: "raw-peer" }),
  amqpFrame("begin", { next_outgoing_id: 0, incoming_window: 2048, outgoing_window: 2048 }),
]);

/** A performative the emulator sent: its name ("close", "end", "detach", …), channel and fields. */
export interface Received {
  name: string;
  channel: number;
  fields: Record<string, unknown>;
}

export class RawPeer {
  readonly received: Received[] = [];
  readonly closed: Promise<void>;
  private buffer = Buffer.alloc(0);
  private headerSeen = false;
  private waiters: Array<() => void> = [];

  private constructor(readonly socket: net.Socket) {
    socket.on("data", (chunk) => this.onData(chunk));
    socket.on("error", () => {});
    this.closed = new Promise((resolve) => socket.once("close", () => resolve()));
    void this.closed.then(() => this.wake());
  }

  static connect(port: number, host = "127.0.0.1"): Promise<RawPeer> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, host, () => {
        s.off("error", reject);
        resolve(new RawPeer(s));
      });
      s.once("error", reject);
    });
  }

  /** Write bytes; resolves once handed to the kernel (false if the socket is gone). */
  send(...bytes: Buffer[]): Promise<boolean> {
    if (this.socket.destroyed || !this.socket.writable) return Promise.resolve(false);
    return new Promise((resolve) => this.socket.write(Buffer.concat(bytes), (err) => resolve(!err)));
  }

  /** The first received performative matching `pred`, or undefined after `ms` or once the socket closed. */
  async waitFor(pred: (r: Received) => boolean, ms: number): Promise<Received | undefined> {
    const deadline = Date.now() + ms;
    for (;;) {
      const hit = this.received.find(pred);
      if (hit || this.socket.destroyed || Date.now() >= deadline) return hit;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  destroy(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    if (!this.headerSeen && this.buffer.length >= 8) {
      this.headerSeen = true;
      this.buffer = this.buffer.subarray(8);
    }
    while (this.headerSeen && this.buffer.length >= 8) {
      const size = this.buffer.readUInt32BE(0);
      if (this.buffer.length < size) break;
      const frame = codec.read_frame(this.buffer.subarray(0, size));
      this.buffer = this.buffer.subarray(size);
      if (frame.performative) {
        const name = String(frame.performative.constructor).split("#")[0]!;
        this.received.push({ name, channel: frame.channel, fields: JSON.parse(JSON.stringify(frame.performative)) as Record<string, unknown> });
      }
    }
    this.wake();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}
