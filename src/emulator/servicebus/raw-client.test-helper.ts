/**
 * A bare rhea client for wire-level tests, and a capture of every frame the emulator sends,
 * decoded with AMQP types intact (rhea's client API would hide int vs uint, list vs array).
 */
import { createHmac, randomUUID } from "node:crypto";
import { type Connection, create_container, type EventContext, type Message } from "rhea";
import { codec, type TypedValue } from "./amqp.js";
import { DEFAULT_SAS_KEY, DEFAULT_SAS_KEY_NAME, type ServiceBusEmulator } from "./index.js";

export const once = <T>(emitter: { once(event: string, fn: (ctx: EventContext) => void): unknown }, event: string, pick: (ctx: EventContext) => T, ms = 2_000) =>
  new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no ${event} within ${ms} ms`)), ms);
    emitter.once(event, (ctx) => {
      clearTimeout(t);
      resolve(pick(ctx));
    });
  });

export function sasToken(audience: string, key = DEFAULT_SAS_KEY): string {
  const sr = encodeURIComponent(audience);
  const se = Math.floor(Date.now() / 1000) + 3600;
  const sig = encodeURIComponent(createHmac("sha256", key).update(`${sr}\n${se}`).digest("base64"));
  return `SharedAccessSignature sr=${sr}&sig=${sig}&se=${se}&skn=${DEFAULT_SAS_KEY_NAME}`;
}

/** A performative the emulator sent, with its payload (transfers). */
export interface Frame {
  descriptor: number;
  fields: TypedValue[];
  payload: Buffer;
}

/** Every AMQP frame the emulator writes on this connection, decoded as it arrives. */
export class FrameCapture {
  readonly frames: Frame[] = [];
  private buf = Buffer.alloc(0);

  constructor(connection: Connection) {
    const socket = (connection as unknown as { socket: { on(e: "data", f: (b: Buffer) => void): void } }).socket;
    socket.on("data", (b) => this.push(b));
  }

  private push(b: Buffer): void {
    this.buf = Buffer.concat([this.buf, b]);
    for (;;) {
      if (this.buf.length >= 8 && this.buf.subarray(0, 4).toString("latin1") === "AMQP") {
        this.buf = this.buf.subarray(8);
        continue;
      }
      if (this.buf.length < 8) return;
      const size = this.buf.readUInt32BE(0);
      if (this.buf.length < size) return;
      const frame = this.buf.subarray(0, size);
      this.buf = this.buf.subarray(size);
      const body = frame.subarray(frame[4]! * 4);
      if (frame[5] !== 0 || body.length === 0) continue; // SASL frames, heartbeats
      const reader = new codec.Reader(body);
      const perf = reader.read();
      this.frames.push({ descriptor: Number(perf.descriptor?.value), fields: perf.value as TypedValue[], payload: body.subarray(reader.position) });
    }
  }

  /** Frames with a descriptor: 0x12 attach, 0x14 transfer, … */
  of(descriptor: number): Frame[] {
    return this.frames.filter((f) => f.descriptor === descriptor);
  }
}

/** Connect and put a namespace-wide SAS token on $cbs with `tokenType`; resolves to the reply. */
export async function rawConnection(emulator: ServiceBusEmulator, tokenType = "servicebus.windows.net:sastoken"): Promise<{ connection: Connection; capture: FrameCapture; cbsReply: Message }> {
  const connection = create_container().connect({ host: emulator.host, port: emulator.port, reconnect: false });
  const capture = new FrameCapture(connection);
  connection.on("disconnected", () => {});
  await once(connection, "connection_open", () => undefined);
  const cbsReplies = connection.open_receiver({ source: { address: "$cbs" } });
  const cbs = connection.open_sender({ target: { address: "$cbs" } });
  await once(cbs, "sendable", () => undefined);
  const reply = once(cbsReplies, "message", (ctx) => ctx.message as Message);
  const audience = `sb://${emulator.host}:${emulator.port}/`;
  cbs.send({ application_properties: { operation: "put-token", type: tokenType, name: audience }, body: sasToken(audience), reply_to: "cbs", message_id: randomUUID() });
  return { connection, capture, cbsReply: await reply };
}

/** One $management request on `<entity>/$management`; resolves to the reply message. */
export async function management(connection: Connection, entity: string, operation: string, body: unknown): Promise<Message> {
  const replyTo = `mgmt-${randomUUID()}`;
  const address = `${entity}/$management`;
  const receiver = connection.open_receiver({ source: { address }, target: { address: replyTo }, name: replyTo });
  const sender = connection.open_sender({ target: { address } });
  await once(sender, "sendable", () => undefined);
  const reply = once(receiver, "message", (ctx) => ctx.message as Message);
  sender.send({ application_properties: { operation }, body, reply_to: replyTo, message_id: randomUUID() });
  const msg = await reply;
  sender.close();
  receiver.close();
  return msg;
}

/** The application property `key` of the last reply on the capture, with its wire type. */
export function typedProperty(capture: FrameCapture, key: string): TypedValue | undefined {
  for (const f of [...capture.of(0x14)].reverse()) {
    const reader = new codec.Reader(f.payload);
    while (reader.remaining()) {
      const section = reader.read();
      if (Number(section.descriptor?.value) !== 0x74) continue;
      const entries = section.value as TypedValue[];
      for (let i = 0; i + 1 < entries.length; i += 2) if (entries[i]!.value === key) return entries[i + 1];
    }
  }
  return undefined;
}
