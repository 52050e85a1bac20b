/** Typed access to the parts of rhea the emulator uses that its typings leave out. */
import rhea from "rhea";
import type { Message, Receiver, Sender } from "rhea";

export type { Message };
export type Link = Sender | Receiver;
export const types = rhea.types;

/** A decoded AMQP value with its wire type (rhea's Typed). */
export interface TypedValue {
  type: { name: string; typecode: number };
  value: unknown;
  descriptor?: { value: unknown };
}
/** rhea's byte-level reader and writer (untyped in its typings). */
export const codec = rhea.types as unknown as {
  Reader: new (b: Buffer) => { read(): TypedValue; remaining(): number; position: number };
  Writer: new () => { write(o: unknown): void; toBuffer(): Buffer };
};

interface Outcome {
  described(): unknown;
}
interface OutcomeFactories {
  accepted(): Outcome;
  rejected(fields: { error?: { condition: string; description?: string } }): Outcome;
  modified(fields: object): Outcome;
  released(): Outcome;
  header(fields: object): Outcome;
  encode(m: Message): Buffer;
  decode(b: Buffer): Message;
}
const m = rhea.message as unknown as OutcomeFactories;

/** Delivery states, ready for `delivery.update(settled, state)`. */
export const outcomes = {
  accepted: () => m.accepted().described(),
  rejected: (error?: { condition: string; description?: string }) => m.rejected(error ? { error } : {}).described(),
  modified: () => m.modified({}).described(),
  released: () => m.released().described(),
};

/** The header section (0x70) with rhea's spec field types. */
export const headerSection = (fields: object): unknown => m.header(fields).described();

/** The exact bytes a message was received in, kept beside rhea's decoding (see raw-sections.ts). */
export const RAW = Symbol.for("gauntlet.servicebus.raw-message");

export function rawOf(msg: Message): Buffer | undefined {
  return (msg as unknown as Record<symbol, Buffer | undefined>)[RAW];
}

function tagRaw(msg: Message, bytes: Buffer): Message {
  // Enumerable, so `{ ...message }` copies keep it; a symbol, so rhea and JSON never see it.
  (msg as unknown as Record<symbol, Buffer>)[RAW] = Buffer.from(bytes);
  return msg;
}

const rheaDecode = m.decode.bind(m);
export const encodeMessage = (msg: Message): Buffer => m.encode(msg);
export const decodeMessage = (b: Buffer): Message => tagRaw(rheaDecode(b), b);

// rhea decodes format-0 transfers itself (lib/session.js calls message.decode) and drops the
// bytes. Wrap it once, and keep the bytes only while an emulator connection is processing its
// input (`captureRawInput`): rhea decodes synchronously inside Connection.input, so clients
// in the same process (the SDK in tests) never see the tag.
let capturing = 0;
if (!(m.decode as { gauntletRaw?: boolean }).gauntletRaw) {
  const wrapped = Object.assign((b: Buffer) => (capturing > 0 ? decodeMessage(b) : rheaDecode(b)), { gauntletRaw: true });
  m.decode = wrapped;
}

/** Make a server-side connection keep the raw bytes of every message it receives. Call before accept(). */
export function captureRawInput(conn: unknown): void {
  const c = conn as { input(b: Buffer): void };
  const input = c.input.bind(c);
  c.input = (b: Buffer) => {
    capturing += 1;
    try {
      input(b);
    } finally {
      capturing -= 1;
    }
  };
}

/** Sender fields rhea has but does not type. */
export function senderState(s: Sender): { credit: number; delivery_count: number; _draining?: boolean } {
  return s as unknown as { credit: number; delivery_count: number; _draining?: boolean };
}
