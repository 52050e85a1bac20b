/**
 * Fuzz: malformed and truncated AMQP frames over raw TCP never crash the emulator nor disturb
 * an SDK client on another connection.
 */
import net from "node:net";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { useEmulator } from "./sdk.test-helper.js";

const AMQP_HEADER = Buffer.from([0x41, 0x4d, 0x51, 0x50, 0x00, 0x01, 0x00, 0x00]); // AMQP 1.0.0
const SASL_HEADER = Buffer.from([0x41, 0x4d, 0x51, 0x50, 0x03, 0x01, 0x00, 0x00]);
/** A valid open frame (container-id "fuzz"), to truncate and corrupt. */
const OPEN_FRAME = Buffer.from("0000001a02000000005310c00d04a1046675" + "7a7a40607fff" + "4040", "hex");

function frame(size: number, doff: number, type: number, body: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(size >>> 0);
  head[4] = doff;
  head[5] = type;
  return Buffer.concat([head, body]);
}

const payload = fc.oneof(
  fc.uint8Array({ minLength: 0, maxLength: 200 }).map((b) => Buffer.concat([AMQP_HEADER, b])),
  fc.uint8Array({ minLength: 0, maxLength: 200 }).map((b) => Buffer.concat([SASL_HEADER, b])),
  fc.integer({ min: 1, max: OPEN_FRAME.length - 1 }).map((n) => Buffer.concat([AMQP_HEADER, OPEN_FRAME.subarray(0, n)])),
  fc.record({ size: fc.oneof(fc.constant(0), fc.constant(7), fc.constant(0xffffffff), fc.integer({ min: 0, max: 2 ** 32 - 1 })), doff: fc.integer({ min: 0, max: 255 }), type: fc.integer({ min: 0, max: 255 }), body: fc.uint8Array({ maxLength: 64 }) }).map(
    (r) => Buffer.concat([AMQP_HEADER, frame(r.size, r.doff, r.type, r.body)]),
  ),
  fc.tuple(fc.integer({ min: 0, max: OPEN_FRAME.length - 1 }), fc.integer({ min: 0, max: 255 })).map(([i, v]) => {
    const b = Buffer.from(OPEN_FRAME);
    b[i] = v;
    return Buffer.concat([AMQP_HEADER, b, OPEN_FRAME]);
  }),
  fc.uint8Array({ minLength: 1, maxLength: 64 }).map((b) => Buffer.from(b)),
);

function blast(port: number, bytes: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const s = net.connect(port, "127.0.0.1", () => s.end(bytes));
    s.on("error", () => resolve());
    s.on("close", () => resolve());
    s.setTimeout(40, () => s.destroy()); // the server may wait for the rest of a frame that never comes
  });
}

describe("fuzzing the AMQP listener", () => {
  const f = useEmulator([{ kind: "queue", name: "fuzz" }]);

  it("malformed, truncated and oversized frames leave the emulator serving other connections", async () => {
    const crashes: unknown[] = [];
    const onCrash = (e: unknown) => crashes.push(e);
    process.on("uncaughtException", onCrash);
    process.on("unhandledRejection", onCrash);
    try {
      const sender = f.client.createSender("fuzz");
      const receiver = f.client.createReceiver("fuzz", { receiveMode: "receiveAndDelete" });
      await sender.sendMessages({ body: "warm-up" });
      expect((await receiver.receiveMessages(1, { maxWaitTimeInMs: 1000 })).map((m) => m.body)).toEqual(["warm-up"]);
      await fc.assert(
        fc.asyncProperty(fc.array(payload, { minLength: 1, maxLength: 4 }), async (bufs) => {
          await Promise.all(bufs.map((b) => blast(f.emulator.port, b)));
        }),
        { numRuns: 150 },
      );
      // The SDK's connection, opened before the fuzzing, still works.
      await sender.sendMessages({ body: "after-fuzz" });
      expect((await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 })).map((m) => m.body)).toEqual(["after-fuzz"]);
      expect(crashes).toEqual([]);
      await receiver.close();
    } finally {
      process.off("uncaughtException", onCrash);
      process.off("unhandledRejection", onCrash);
    }
  });
});
