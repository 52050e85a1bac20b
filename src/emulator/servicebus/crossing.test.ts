/**
 * Two wire details behind fast, honest property runs (issue 12 item 4), over raw AMQP:
 * - a disposition that crosses the server's detach (session lock lost) is judged by its lock
 *   token: answered with message-lock-lost, never "accepted" for a message that went back;
 * - every client read the server leaves unanswered is acknowledged with an AMQP empty frame, so
 *   a client with Nagle's algorithm on (rhea, the JS SDK) never waits out a 40 ms delayed ACK.
 */
import { type EventContext } from "rhea";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codec, types } from "./amqp.js";
import { type ServiceBusEmulator, startServiceBusEmulator } from "./index.js";
import { EMPTY_FRAME } from "./ack-nudge.js";
import { once, rawConnection } from "./raw-client.test-helper.js";

const DISPOSITION = 0x15;
const REJECTED = 0x25;

function section(code: number, value: unknown): Buffer {
  const w = new codec.Writer();
  w.write(types.described(types.wrap_ulong(code), value as never));
  return w.toBuffer();
}

describe("dispositions and acknowledgements (raw AMQP)", () => {
  let emulator: ServiceBusEmulator;

  beforeAll(async () => {
    emulator = await startServiceBusEmulator({ entities: [{ kind: "queue", name: "s", requiresSession: true, lockDurationMs: 100 }, { kind: "queue", name: "q" }] });
  });
  afterAll(async () => {
    await emulator?.stop();
  });

  it("answers a disposition sent after its session lock was lost with message-lock-lost, and the message comes back", async () => {
    const c = await rawConnection(emulator);
    try {
      const sender = c.connection.open_sender({ target: { address: "s" } });
      await once(sender, "sendable", () => undefined);
      const props = section(0x73, types.wrap_list([types.wrap_string("m1"), null, null, null, null, null, null, null, null, null, types.wrap_string("k")]));
      sender.send(Buffer.concat([props, section(0x77, types.wrap_string("body"))]) as never, undefined, 0);
      await once(sender, "accepted", () => undefined);

      const receiver = c.connection.open_receiver({ source: { address: "s", filter: { "com.microsoft:session-filter": "k" } } as never, credit_window: 0, autoaccept: false, rcv_settle_mode: 1 });
      await once(receiver, "receiver_open", () => undefined);
      const got = once(receiver, "message", (ctx: EventContext) => ctx.delivery!);
      receiver.add_credit(1);
      const delivery = await got;
      // The session lock (100 ms) runs out: the server detaches the link with session-lock-lost.
      const closed = await once(receiver, "receiver_close", (ctx: EventContext) => ctx.receiver!.error as { condition?: string } | undefined, 2_000);
      expect(closed?.condition).toBe("com.microsoft:session-lock-lost");

      // The client settles anyway, as one whose disposition crossed the detach on the wire.
      const before = c.capture.of(DISPOSITION).length;
      delivery.accept();
      for (let i = 0; i < 100 && c.capture.of(DISPOSITION).length === before; i++) await new Promise((r) => setTimeout(r, 10));
      const answer = c.capture.of(DISPOSITION).slice(before)[0]!;
      const state = answer.fields[4]!;
      expect(Number(state.descriptor?.value)).toBe(REJECTED);
      expect(JSON.stringify(state.value)).toContain("com.microsoft:message-lock-lost");
      // Not completed: the message is still there for the next holder of the session.
      expect(emulator.faults.snapshot().find((e) => e.path === "s")?.active).toBe(1);
    } finally {
      c.connection.close();
    }
  });

  it("acknowledges an unanswered read with an empty frame once the connection is open, and never before", async () => {
    const c = await rawConnection(emulator);
    try {
      const socket = (c.connection as unknown as { socket: import("node:net").Socket }).socket;
      const chunks: Buffer[] = [];
      socket.on("data", (b: Buffer) => chunks.push(b));
      // A flow granting credit on an empty queue needs no answer from the server.
      const receiver = c.connection.open_receiver({ source: { address: "q" }, credit_window: 0 });
      await once(receiver, "receiver_open", () => undefined);
      const seen = chunks.length;
      receiver.add_credit(5);
      for (let i = 0; i < 50 && chunks.length === seen; i++) await new Promise((r) => setTimeout(r, 5));
      expect(chunks.slice(seen).some((b) => b.equals(EMPTY_FRAME))).toBe(true);
      receiver.close();
    } finally {
      c.connection.close();
    }

    // Before the AMQP open (protocol header, SASL) nothing but the handshake is written back.
    const net = await import("node:net");
    const raw = net.connect(emulator.port, emulator.host);
    const bytes: Buffer[] = [];
    raw.on("data", (b) => bytes.push(b));
    await once(raw as never, "connect", () => undefined);
    raw.write(Buffer.from("AMQP\x03\x01\x00\x00", "latin1"));
    await new Promise((r) => setTimeout(r, 100));
    raw.destroy();
    const all = Buffer.concat(bytes);
    expect(all.subarray(0, 8).toString("latin1")).toBe("AMQP\x03\x01\x00\x00");
    expect(all.indexOf(EMPTY_FRAME)).toBe(-1);
  });
});
