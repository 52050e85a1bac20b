import { type Server, type Socket, connect, createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { InfrastructureError } from "../../core/errors.js";
import { AMQP_HEADER, amqpMethodFrame } from "./amqp-framer.js";
import { REPLY_TEXT, channelClose, connectionBlocked, connectionUnblocked } from "./amqp-answers.js";
import { ruleFor } from "./faults.js";
import { type StartedProtocolProxy, startProtocolProxy } from "./proxy.js";

const u64 = (n: number) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
};
const confirm = (tag: number) => amqpMethodFrame(1, 60, 80, Buffer.concat([u64(tag), Buffer.from([0])]));

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** A fake broker that sends `reply` once what it received contains `when`. */
async function brokerAnswering(when: Buffer, reply: Buffer): Promise<{ port: number; received: () => Buffer }> {
  const got: Buffer[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    let sent = false;
    s.on("data", (d) => {
      got.push(d);
      if (!sent && Buffer.concat(got).includes(when)) {
        sent = true;
        s.write(reply);
      }
    });
    s.on("error", () => {});
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  cleanup.push(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  });
  return { port: (server.address() as { port: number }).port, received: () => Buffer.concat(got) };
}

/** A fake broker that records what it receives and sends `reply` once it has the client's first bytes. */
const fakeBroker = (reply: Buffer) => brokerAnswering(Buffer.alloc(0), reply);

async function client(proxy: StartedProtocolProxy, send: Buffer, readMs = 300): Promise<{ data: Buffer; closed: boolean }> {
  const [host, port] = proxy.listen.split(":");
  const s = connect({ host, port: Number(port) });
  const got: Buffer[] = [];
  let closed = false;
  s.on("data", (d) => got.push(d));
  s.on("close", () => (closed = true));
  s.on("error", () => {});
  // several frames per write, and a frame split across writes
  s.write(send.subarray(0, 11));
  s.write(send.subarray(11));
  await new Promise((r) => setTimeout(r, readMs));
  s.destroy();
  return { data: Buffer.concat(got), closed };
}

describe("protocol proxy", () => {
  const fromBroker = Buffer.concat([confirm(1), confirm(2), confirm(3)]);
  const fromClient = Buffer.concat([AMQP_HEADER, amqpMethodFrame(1, 85, 10, Buffer.from([0])), amqpMethodFrame(1, 60, 80, Buffer.concat([u64(9), Buffer.from([0])]))]);

  it("with no rule in force forwards every byte both ways, unchanged", async () => {
    const broker = await fakeBroker(fromBroker);
    const proxy = await startProtocolProxy({ protocol: "amqp-0-9-1", listen: "127.0.0.1:0", upstream: `127.0.0.1:${broker.port}` });
    cleanup.push(proxy.stop);
    const { data } = await client(proxy, fromClient);
    expect(data.equals(fromBroker)).toBe(true);
    expect(broker.received().equals(fromClient)).toBe(true);
    expect(proxy.bytes).toEqual({ "to-broker": fromClient.length, "to-client": fromBroker.length });
  });

  it("drops the nth confirm and closes the connection; frames after it never arrive", async () => {
    const broker = await fakeBroker(fromBroker);
    const proxy = await startProtocolProxy({ protocol: "amqp-0-9-1", listen: "127.0.0.1:0", upstream: `127.0.0.1:${broker.port}` });
    cleanup.push(proxy.stop);
    const rule = proxy.arm({ name: "lost-confirm", dir: "to-client", kinds: ["basic.ack"], nth: 2, action: { do: "drop-close" } });
    const { data, closed } = await client(proxy, fromClient);
    expect(data.equals(confirm(1))).toBe(true);
    expect(closed).toBe(true);
    expect(rule.report()).toEqual({ seen: 2, fired: 1 });
  });

  it("duplicates or delays one frame by tag, and a disarmed rule does nothing", async () => {
    const broker = await fakeBroker(fromBroker);
    const proxy = await startProtocolProxy({ protocol: "amqp-0-9-1", listen: "127.0.0.1:0", upstream: `127.0.0.1:${broker.port}` });
    cleanup.push(proxy.stop);
    proxy.arm({ name: "dup", dir: "to-client", kinds: ["basic.ack"], tag: 3, action: { do: "duplicate" } });
    const off = proxy.arm({ name: "off", dir: "to-client", kinds: ["basic.ack"], nth: 1, action: { do: "drop" } });
    proxy.disarm(off);
    expect((await client(proxy, fromClient)).data.equals(Buffer.concat([fromBroker, confirm(3)]))).toBe(true);
    proxy.disarmAll();
    proxy.arm({ name: "slow", dir: "to-client", kinds: ["basic.ack"], nth: 1, action: { do: "delay", ms: 400 } });
    expect((await client(proxy, fromClient, 200)).data.length).toBe(0);
  });

  it("fails with an infrastructure error (exit 4) when it cannot reach the broker or bind", async () => {
    const broker = await fakeBroker(fromBroker);
    await expect(startProtocolProxy({ protocol: "kafka", listen: "127.0.0.1:0", upstream: "127.0.0.1:1" })).rejects.toThrow(InfrastructureError);
    const err = await startProtocolProxy({ protocol: "kafka", listen: `127.0.0.1:${broker.port}`, upstream: `127.0.0.1:${broker.port}` }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(InfrastructureError);
    expect((err as Error).message).toMatch(/cannot listen.*EADDRINUSE/);
  });
});

/** basic.publish on `channel` with its content header and one body frame: one unit for the framer. */
function publish(channel: number, body: string): Buffer {
  const args = Buffer.concat([Buffer.from([0, 0, 0, 1]), Buffer.from("q"), Buffer.from([0])]);
  const method = amqpMethodFrame(channel, 60, 40, args);
  const headerPayload = Buffer.alloc(14);
  headerPayload.writeUInt16BE(60, 0);
  headerPayload.writeBigUInt64BE(BigInt(body.length), 4);
  const frame = (type: number, payload: Buffer) => {
    const f = Buffer.alloc(8 + payload.length);
    f[0] = type;
    f.writeUInt16BE(channel, 1);
    f.writeUInt32BE(payload.length, 3);
    payload.copy(f, 7);
    f[7 + payload.length] = 0xce;
    return f;
  };
  return Buffer.concat([method, frame(2, headerPayload), frame(3, Buffer.from(body))]);
}

describe("protocol proxy: answers in the broker's place (AMQP)", () => {
  it("channel-close: the publish is not stored, both sides get channel.close, and what they send on the channel until its close-ok is dropped", async () => {
    const close = channelClose(1, 541, REPLY_TEXT[541]!, [60, 40]);
    const closeOk = amqpMethodFrame(1, 20, 41);
    // The broker answers the close with a confirm it had in flight, then close-ok, then a confirm on the reopened channel.
    const broker = await brokerAnswering(close, Buffer.concat([confirm(1), closeOk, confirm(2)]));
    const proxy = await startProtocolProxy({ protocol: "amqp-0-9-1", listen: "127.0.0.1:0", upstream: `127.0.0.1:${broker.port}` });
    cleanup.push(proxy.stop);
    const rule = proxy.arm({ ...ruleFor({ name: "channel-close", atMs: 0, durationMs: 10 }) });
    const sent = Buffer.concat([AMQP_HEADER, publish(1, "lost"), publish(1, "late"), closeOk, publish(1, "after")]);
    const { data } = await client(proxy, sent, 400);
    expect(data.equals(Buffer.concat([close, confirm(2)])), data.toString("hex")).toBe(true);
    expect(broker.received().equals(Buffer.concat([AMQP_HEADER, close, publish(1, "after")])), broker.received().toString("hex")).toBe(true);
    // "late" was dropped as the channel was closing (not seen by the rule); "after" was seen and forwarded
    expect(rule.report()).toEqual({ seen: 2, fired: 1 });
  });

  it("connection-blocked: connection.blocked at once, the publish and what follows held delay ms, then connection.unblocked", async () => {
    const broker = await fakeBroker(Buffer.alloc(0));
    const proxy = await startProtocolProxy({ protocol: "amqp-0-9-1", listen: "127.0.0.1:0", upstream: `127.0.0.1:${broker.port}` });
    cleanup.push(proxy.stop);
    proxy.arm(ruleFor({ name: "connection-blocked", atMs: 0, durationMs: 10, params: { delay: 800 } }));
    const [host, port] = proxy.listen.split(":");
    const s = connect({ host, port: Number(port) });
    cleanup.push(async () => void s.destroy());
    const got: Buffer[] = [];
    s.on("data", (d) => got.push(d));
    s.write(Buffer.concat([AMQP_HEADER, publish(1, "held"), amqpMethodFrame(0, 10, 50)]));
    await new Promise((r) => setTimeout(r, 200));
    expect(Buffer.concat(got).equals(connectionBlocked("low on memory (injected by gauntlet)"))).toBe(true);
    expect(broker.received().equals(AMQP_HEADER)).toBe(true);
    await new Promise((r) => setTimeout(r, 1_200));
    expect(Buffer.concat(got).subarray(-connectionUnblocked().length).equals(connectionUnblocked())).toBe(true);
    expect(broker.received().equals(Buffer.concat([AMQP_HEADER, publish(1, "held"), amqpMethodFrame(0, 10, 50)]))).toBe(true);
  });
});
