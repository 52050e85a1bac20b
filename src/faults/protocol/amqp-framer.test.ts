import { readFileSync } from "node:fs";
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { AMQP_HEADER, AmqpFramer, amqpMethodFrame } from "./amqp-framer.js";

const u64 = (n: number) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
};
const frame = (type: number, channel: number, payload: Buffer) => {
  const f = Buffer.alloc(8 + payload.length);
  f[0] = type;
  f.writeUInt16BE(channel, 1);
  f.writeUInt32BE(payload.length, 3);
  payload.copy(f, 7);
  f[7 + payload.length] = 0xce;
  return f;
};
/** basic.publish(exchange "", routing key "q") + header (body size) + body frames. */
const publish = (channel: number, body: Buffer, split = body.length) => {
  const args = Buffer.concat([Buffer.from([0, 0, 0, 1, 0x71, 0])]); // ticket, exchange "", routing key "q", bits
  const header = Buffer.concat([Buffer.from([0, 60, 0, 0]), u64(body.length), Buffer.from([0, 0])]);
  const bodies = [];
  for (let i = 0; i < body.length; i += split) bodies.push(frame(3, channel, body.subarray(i, i + split)));
  return Buffer.concat([amqpMethodFrame(channel, 60, 40, args), frame(2, channel, header), ...bodies]);
};
const ack = (channel: number, tag: number) => amqpMethodFrame(channel, 60, 80, Buffer.concat([u64(tag), Buffer.from([0])]));
const deliver = (channel: number, tag: number, body: Buffer) => {
  const args = Buffer.concat([Buffer.from([3]), Buffer.from("c-1"), u64(tag), Buffer.from([0, 0, 0, 1, 0x71])]);
  const header = Buffer.concat([Buffer.from([0, 60, 0, 0]), u64(body.length), Buffer.from([0, 0])]);
  return Buffer.concat([amqpMethodFrame(channel, 60, 60, args), frame(2, channel, header), frame(3, channel, body)]);
};
const heartbeat = frame(8, 0, Buffer.alloc(0));

// A client's stream: header, confirm.select, two publishes (one empty, one in 3 body frames), a consumer ack.
const clientStream = Buffer.concat([AMQP_HEADER, amqpMethodFrame(1, 85, 10, Buffer.from([0])), publish(1, Buffer.from("hello")), publish(1, Buffer.alloc(0)), publish(2, Buffer.alloc(300, 7), 128), heartbeat, ack(3, 42)]);
// A broker's stream: two confirms, a deliver, connection.blocked.
const brokerStream = Buffer.concat([ack(1, 1), amqpMethodFrame(1, 60, 120, Buffer.concat([u64(2), Buffer.from([0])])), deliver(3, 42, Buffer.from("payload")), amqpMethodFrame(0, 10, 60, Buffer.from([0]))]);

function feed(framer: AmqpFramer, stream: Buffer, cuts: number[]) {
  const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
  const units = [];
  let at = 0;
  for (const p of [...points, stream.length]) {
    units.push(...framer.push(stream.subarray(at, p)));
    at = p;
  }
  return units;
}

describe("AmqpFramer", () => {
  it("cuts a client stream into units, a publish with its content as one", () => {
    const units = new AmqpFramer(true).push(clientStream);
    expect(units.map((u) => `${u.kind}@${u.channel}`)).toEqual(["protocol-header@0", "confirm.select@1", "basic.publish@1", "basic.publish@1", "basic.publish@2", "heartbeat@0", "basic.ack@3"]);
    expect(units[4]!.raw.length).toBe(publish(2, Buffer.alloc(300, 7), 128).length);
    expect(units[6]!.deliveryTag).toBe(42n);
    expect(Buffer.concat(units.map((u) => u.raw)).equals(clientStream)).toBe(true);
  });

  it("reads delivery tags from the broker's confirms and deliveries", () => {
    const units = new AmqpFramer(false).push(brokerStream);
    expect(units.map((u) => [u.kind, u.deliveryTag])).toEqual([["basic.ack", 1n], ["basic.nack", 2n], ["basic.deliver", 42n], ["connection.blocked", undefined]]);
  });

  test.prop([fc.array(fc.nat(), { maxLength: 40 }), fc.boolean()])("any split across reads gives the same units and the same bytes", (cuts, client) => {
    const stream = client ? clientStream : brokerStream;
    const whole = new AmqpFramer(client).push(stream);
    const framer = new AmqpFramer(client);
    const parts = feed(framer, stream, cuts);
    expect(parts.map((u) => [u.kind, u.channel, u.deliveryTag])).toEqual(whole.map((u) => [u.kind, u.channel, u.deliveryTag]));
    expect(Buffer.concat(parts.map((u) => u.raw)).equals(stream)).toBe(true);
    expect(framer.pending).toBe(0);
  });

  it("holds a frame split mid-way and rejects a frame without its end octet", () => {
    const framer = new AmqpFramer(false);
    const a = ack(1, 7);
    expect(framer.push(a.subarray(0, 5))).toEqual([]);
    expect(framer.pending).toBe(5);
    expect(framer.push(a.subarray(5)).map((u) => u.deliveryTag)).toEqual([7n]);
    const bad = Buffer.from(a);
    bad[bad.length - 1] = 0;
    expect(() => new AmqpFramer(false).push(bad)).toThrow(/frame-end/);
  });
});

describe("AmqpFramer on a captured amqplib ↔ RabbitMQ 3.10.8 session (fixtures/protocol, scripts/capture-frames.ts)", () => {
  const dir = new URL("../../../fixtures/protocol/", import.meta.url);
  const client = readFileSync(new URL("amqp-client.bin", dir));
  const broker = readFileSync(new URL("amqp-broker.bin", dir));
  const kinds = (units: { kind: string; deliveryTag?: bigint }[]) => units.map((u) => (u.deliveryTag === undefined ? u.kind : `${u.kind}#${u.deliveryTag}`));

  it("decodes every method both ways; a 10 kB publish (3 body frames at frame-max 4096) is one unit", () => {
    const up = new AmqpFramer(true).push(client);
    expect(kinds(up)).toEqual(["protocol-header", "connection.start-ok", "connection.tune-ok", "connection.open", "channel.open", "confirm.select", "queue.declare", "basic.publish", "basic.publish", "basic.publish", "basic.get", "basic.ack#1", "queue.declare", "connection.close"]);
    expect(up[9]!.raw.length).toBeGreaterThan(10_000);
    expect(kinds(new AmqpFramer(false).push(broker))).toEqual(["connection.start", "connection.tune", "connection.open-ok", "channel.open-ok", "confirm.select-ok", "queue.declare-ok", "basic.ack#1", "basic.ack#3", "basic.get-ok#1", "queue.declare-ok", "connection.close-ok"]);
  });

  test.prop([fc.array(fc.nat(), { maxLength: 60 }), fc.boolean()])("split anywhere, it gives the same units and exactly the captured bytes", (cuts, up) => {
    const stream = up ? client : broker;
    const framer = new AmqpFramer(up);
    const units = feed(framer, stream, cuts);
    expect(kinds(units)).toEqual(kinds(new AmqpFramer(up).push(stream)));
    expect(Buffer.concat(units.map((u) => u.raw)).equals(stream)).toBe(true);
    expect(framer.pending).toBe(0);
  });
});
