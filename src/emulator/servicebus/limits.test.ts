/**
 * The emulator's protocol limits, each driven by raw frames no SDK would send, and the SDK
 * still served around them.
 */
import v8 from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { EmulatorConfigError } from "./config.js";
import { startServiceBusEmulator } from "./index.js";
import { resolveLimits } from "./limits.js";
import { AMQP_HEADER, amqpFrame, declaredFrame, OPEN_AND_BEGIN, RawPeer, type Received, senderAttach } from "./raw-peer.test-helper.js";
import { sleep, useEmulator } from "./sdk.test-helper.js";

/** Buffer memory still reachable: the least seen over a few full collections (backing stores are freed lazily). */
async function retainedBytes(): Promise<number> {
  v8.setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  let least = Infinity;
  for (let i = 0; i < 4; i++) {
    gc();
    await sleep(25);
    least = Math.min(least, process.memoryUsage().arrayBuffers);
  }
  return least;
}
const named = (name: string) => (r: Received) => r.name === name;
const condition = (r: Received | undefined) => (r?.fields.error as { condition?: string } | undefined)?.condition;

/** One SDK send + receive-and-delete on `queue`, in milliseconds. */
async function roundTrip(f: ReturnType<typeof useEmulator>, queue: string, body: unknown): Promise<number> {
  const t0 = performance.now();
  const sender = f.client.createSender(queue);
  const receiver = f.client.createReceiver(queue, { receiveMode: "receiveAndDelete" });
  await sender.sendMessages({ body });
  const got = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5000 });
  expect(got.map((m) => m.body)).toEqual([body]);
  await Promise.all([sender.close(), receiver.close()]);
  return performance.now() - t0;
}

describe("emulator limits: frames and settle ranges (default limits)", () => {
  const f = useEmulator([{ kind: "queue", name: "limits" }]);

  it("a disposition for deliveries 0..4294967295 leaves the emulator answering the SDK within a second", async () => {
    await roundTrip(f, "limits", "warm-up");
    const peer = await RawPeer.connect(f.emulator.port);
    const absurd = amqpFrame("disposition", { role: true, first: 0, last: 4294967295, settled: true });
    expect(absurd.length).toBe(28); // the frame of the report
    await peer.send(OPEN_AND_BEGIN, absurd, absurd, amqpFrame("close", {}));
    // The close answer comes after both dispositions were handled, in order.
    expect(await peer.waitFor(named("close"), 60_000)).toBeDefined();
    expect(await roundTrip(f, "limits", "after-disposition")).toBeLessThan(1000);
    peer.destroy();
  }, 120_000);

  it("advertises its max-frame-size and closes a connection whose frame declares more, with framing-error", async () => {
    const peer = await RawPeer.connect(f.emulator.port);
    await peer.send(OPEN_AND_BEGIN);
    const open = await peer.waitFor(named("open"), 2000);
    expect(open?.fields.max_frame_size).toBe(65_536);
    await peer.send(declaredFrame(0xffff_ffff, Buffer.alloc(256 * 1024, 7)));
    const close = await peer.waitFor(named("close"), 2000);
    expect(condition(close)).toBe("amqp:connection:framing-error");
    await peer.closed;
    expect(await roundTrip(f, "limits", "after-frame")).toBeLessThan(1000);
  });

  it("drops a socket whose first frame, before any open, declares a 4 GB frame", async () => {
    const peer = await RawPeer.connect(f.emulator.port);
    const t0 = performance.now();
    await peer.send(AMQP_HEADER, declaredFrame(0xffff_fff0));
    await peer.closed;
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(peer.received).toEqual([]);
  });

  it("SDK messages larger than one frame still arrive whole", async () => {
    const body = "x".repeat(250_000); // ~4 frames of 64 KiB
    expect(await roundTrip(f, "limits", body)).toBeLessThan(5000);
  });
});

describe("emulator limits: message size before buffering", () => {
  const f = useEmulator([{ kind: "queue", name: "size" }], { limits: { maxManagementMessageBytes: 4096 } });

  it("rejects a transfer over its link's limit with message-size-exceeded, without holding its bytes", async () => {
    const peer = await RawPeer.connect(f.emulator.port);
    await peer.send(OPEN_AND_BEGIN, senderAttach("cbs-sender", 0, "$cbs"));
    expect(await peer.waitFor(named("flow"), 2000)).toBeDefined(); // credit granted
    const chunk = Buffer.alloc(60_000, 1);
    const transfer = (i: number, more: boolean) =>
      amqpFrame("transfer", { handle: 0, more, ...(i === 0 ? { delivery_id: 0, delivery_tag: Buffer.from("t0"), message_format: 0 } : {}) }, 0, chunk);
    const held0 = await retainedBytes();
    for (let i = 0; i < 800; i++) await peer.send(transfer(i, true)); // 48 MB of one unfinished message
    // Frames are handled in order: the answer to a new session means every transfer was read.
    await peer.send(amqpFrame("begin", { remote_channel: null, next_outgoing_id: 0, incoming_window: 10, outgoing_window: 10 }, 1));
    expect(await peer.waitFor((r) => r.name === "begin" && r.fields.remote_channel === 1, 10_000)).toBeDefined();
    const held = (await retainedBytes()) - held0;
    expect(held).toBeLessThan(8 * 1024 * 1024); // rhea alone kept all 48 MB until the last frame
    await peer.send(transfer(800, false));
    const answer = await peer.waitFor(named("disposition"), 5000);
    expect(answer?.fields.settled).toBe(true);
    expect(JSON.stringify(answer?.fields.state)).toContain("amqp:link:message-size-exceeded");
    peer.destroy();
    expect(await roundTrip(f, "size", "after-oversize")).toBeLessThan(1000);
  }, 60_000);
});

describe("emulator limits: sessions and links", () => {
  const f = useEmulator([{ kind: "queue", name: "caps" }], { limits: { maxSessionsPerConnection: 3, maxLinksPerSession: 2 } });

  it("refuses the session beyond the limit with resource-limit-exceeded, advertising channel-max", async () => {
    const peer = await RawPeer.connect(f.emulator.port);
    const begin = (ch: number) => amqpFrame("begin", { next_outgoing_id: 0, incoming_window: 10, outgoing_window: 10 }, ch);
    await peer.send(OPEN_AND_BEGIN, begin(1), begin(2), begin(3));
    const end = await peer.waitFor(named("end"), 2000);
    expect(condition(end)).toBe("amqp:resource-limit-exceeded");
    expect(peer.received.find(named("open"))?.fields.channel_max).toBe(2);
    expect(peer.received.filter(named("begin"))).toHaveLength(4); // begun, then ended with the error
    // A peer that ignores the refusal and keeps beginning sessions loses the connection.
    await peer.send(...Array.from({ length: 20 }, (_, i) => begin(4 + i)));
    expect(condition(await peer.waitFor(named("close"), 2000))).toBe("amqp:resource-limit-exceeded");
    peer.destroy();
  });

  it("refuses the link beyond the limit with resource-limit-exceeded", async () => {
    const peer = await RawPeer.connect(f.emulator.port);
    await peer.send(OPEN_AND_BEGIN, senderAttach("a", 0, "$cbs"), senderAttach("b", 1, "$cbs"), senderAttach("c", 2, "$cbs"));
    const detach = await peer.waitFor(named("detach"), 2000);
    expect(detach?.fields.handle).toBe(2);
    expect(condition(detach)).toBe("amqp:resource-limit-exceeded");
    peer.destroy();
    expect(await roundTrip(f, "caps", "after-links")).toBeLessThan(1000);
  });

  it("caps links per connection over its sessions, and counts a detached link out", async () => {
    const emulator = await startServiceBusEmulator({ limits: { maxLinksPerConnection: 3 } });
    const peer = await RawPeer.connect(emulator.port);
    const begin1 = amqpFrame("begin", { next_outgoing_id: 0, incoming_window: 10, outgoing_window: 10 }, 1);
    await peer.send(OPEN_AND_BEGIN, senderAttach("a", 0, "$cbs"), senderAttach("b", 1, "$cbs"), begin1);
    expect(await peer.waitFor((r) => r.name === "begin" && r.channel === 1, 2000)).toBeDefined();
    await peer.send(senderAttach("c", 0, "$cbs", 1), senderAttach("d", 1, "$cbs", 1));
    const refused = await peer.waitFor(named("detach"), 2000);
    expect([refused?.channel, refused?.fields.handle ?? 0, condition(refused)]).toEqual([1, 1, "amqp:resource-limit-exceeded"]);
    expect((refused?.fields.error as { description: string }).description).toMatch(/connection cannot have more than 3 links/);
    // Detach "a" and answer the refusal of "d": two links fewer, so "e" is admitted.
    await peer.send(amqpFrame("detach", { handle: 0, closed: true }), amqpFrame("detach", { handle: 1, closed: true }, 1));
    expect(await peer.waitFor((r) => r.name === "detach" && r.channel === 0, 2000)).toBeDefined();
    await peer.send(senderAttach("e", 2, "$cbs"));
    expect(await peer.waitFor((r) => r.name === "attach" && r.fields.name === "e", 2000)).toBeDefined();
    await sleep(100);
    expect(peer.received.filter(named("detach")), JSON.stringify(peer.received)).toHaveLength(2); // "d" refused, "a" answered; "e" kept
    peer.destroy();
    await emulator.stop();
  });
});

describe("emulator limits: connections and timeouts", () => {
  it("refuses connections beyond the cap with resource-limit-exceeded, and accepts again once one leaves", async () => {
    const emulator = await startServiceBusEmulator({ limits: { maxConnections: 1 } });
    try {
      const first = await RawPeer.connect(emulator.port);
      await first.send(OPEN_AND_BEGIN);
      expect(await first.waitFor(named("begin"), 2000)).toBeDefined();
      const second = await RawPeer.connect(emulator.port);
      await second.send(OPEN_AND_BEGIN);
      expect(condition(await second.waitFor(named("close"), 2000))).toBe("amqp:resource-limit-exceeded");
      first.destroy();
      await first.closed;
      await sleep(50);
      const third = await RawPeer.connect(emulator.port);
      await third.send(OPEN_AND_BEGIN);
      expect(await third.waitFor(named("begin"), 2000)).toBeDefined();
      expect(third.received.find(named("close"))).toBeUndefined();
      second.destroy();
      third.destroy();
    } finally {
      await emulator.stop();
    }
  });

  it("drops sockets that never complete the handshake, even when they trickle bytes", async () => {
    const emulator = await startServiceBusEmulator({ limits: { handshakeTimeoutMs: 300 } });
    try {
      const silent = await RawPeer.connect(emulator.port);
      const trickle = await RawPeer.connect(emulator.port);
      const t0 = performance.now();
      const open = Buffer.concat([AMQP_HEADER, amqpFrame("open", { container_id: "slow" })]);
      for (let i = 0; i < open.length - 1 && !trickle.socket.destroyed; i++) {
        await trickle.send(open.subarray(i, i + 1));
        await sleep(40);
      }
      await Promise.all([silent.closed, trickle.closed]);
      expect(performance.now() - t0).toBeLessThan(2000);
    } finally {
      await emulator.stop();
    }
  });

  it("closes a silent or slowloris connection with connection:forced after the idle timeout; heartbeats keep one open", async () => {
    const emulator = await startServiceBusEmulator({ limits: { idleTimeoutMs: 400 } });
    try {
      const [silent, slow, beating] = await Promise.all([0, 1, 2].map(() => RawPeer.connect(emulator.port)));
      await Promise.all([silent, slow, beating].map((p) => p!.send(OPEN_AND_BEGIN)));
      expect((await silent!.waitFor(named("open"), 2000))?.fields.idle_time_out).toBe(400);
      const half = amqpFrame("begin", { next_outgoing_id: 0, incoming_window: 10, outgoing_window: 10 }, 1);
      const heartbeat = Buffer.from([0, 0, 0, 8, 2, 0, 0, 0]);
      for (let i = 0; i < 12; i++) {
        if (i < half.length) await slow!.send(half.subarray(i, i + 1)); // never completes a frame in time
        await beating!.send(heartbeat);
        await sleep(100);
      }
      expect(condition(silent!.received.find(named("close")))).toBe("amqp:connection:forced");
      expect(condition(slow!.received.find(named("close")))).toBe("amqp:connection:forced");
      expect(beating!.received.find(named("close"))).toBeUndefined();
      for (const p of [silent, slow, beating]) p!.destroy();
    } finally {
      await emulator.stop();
    }
  });
});

describe("emulator limits: configuration", () => {
  it("names the limit that is out of bounds", () => {
    expect(() => resolveLimits({ maxFrameSize: 100 })).toThrow(/limits\.maxFrameSize: 100 is not a whole number from 512/);
    expect(() => resolveLimits({ maxConnections: 1.5 })).toThrow(EmulatorConfigError);
    expect(() => resolveLimits({ nope: 1 } as never)).toThrow(/limits\.nope: unknown limit/);
    expect(resolveLimits({ idleTimeoutMs: 0 }).idleTimeoutMs).toBe(0);
  });
});
