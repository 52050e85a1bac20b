import { type AddressInfo, type Server, type Socket, connect, createServer } from "node:net";
import { openMemoryBenchClient } from "./bench-client.js";
import type { BenchClient } from "../../core/bench-client.js";

/**
 * memory:// behind a TCP hop, so a proxy can sit in its path. Bench's memory client is an
 * in-process queue (clients/memory.ts); here it is served on a loopback port: the client frames
 * each send (one message or a batch), the server hands it to the queue and writes the ack when
 * the queue acknowledges. Frames: u32 length, u32 id, u32 count, then count × (u32 size, bytes);
 * an ack is the u32 id. TCP_NODELAY on both ends, so Nagle never holds a small frame back.
 */
export interface MemoryHop {
  /** host:port the hop listens on. */
  address: string;
  close(): Promise<void>;
}

export async function startMemoryHop(url: URL): Promise<MemoryHop> {
  const queue = openMemoryBenchClient(url);
  const sockets = new Set<Socket>();
  const server: Server = createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    readFrames(socket, (frame) => {
      const id = frame.readUInt32BE(0);
      const payloads = splitPayloads(frame);
      const acked = payloads.length === 1 ? queue.sendOne(payloads[0]!) : queue.sendBatch(payloads);
      void acked.then(() => {
        const ack = Buffer.allocUnsafe(4);
        ack.writeUInt32BE(id, 0);
        if (!socket.destroyed) socket.write(ack);
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await queue.close();
    },
  };
}

/** Call `onFrame` with each complete frame's body (after its u32 length). */
function readFrames(socket: Socket, onFrame: (body: Buffer) => void): void {
  let buf: Buffer = Buffer.alloc(0);
  socket.on("data", (chunk: Buffer) => {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    while (buf.length >= 4) {
      const len = buf.readUInt32BE(0);
      if (buf.length < 4 + len) break;
      onFrame(buf.subarray(4, 4 + len));
      buf = buf.subarray(4 + len);
    }
  });
}

function splitPayloads(body: Buffer): Buffer[] {
  const count = body.readUInt32BE(4);
  const out: Buffer[] = [];
  let at = 8;
  for (let i = 0; i < count; i++) {
    const size = body.readUInt32BE(at);
    out.push(body.subarray(at + 4, at + 4 + size));
    at += 4 + size;
  }
  return out;
}

/** A BenchClient that sends through a memory hop at `address` (host:port, e.g. a proxy's). */
export async function connectMemoryHop(address: string): Promise<BenchClient> {
  const [host, port] = splitHostPort(address);
  const socket = connect({ host, port, noDelay: true });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  const pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let acks: Buffer = Buffer.alloc(0);
  socket.on("data", (chunk: Buffer) => {
    acks = acks.length ? Buffer.concat([acks, chunk]) : chunk;
    let at = 0;
    for (; at + 4 <= acks.length; at += 4) {
      const id = acks.readUInt32BE(at);
      pending.get(id)?.resolve();
      pending.delete(id);
    }
    acks = acks.subarray(at);
  });
  const fail = (err: Error) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  socket.on("error", fail);
  socket.on("close", () => fail(new Error("memory hop connection closed")));
  const send = (payloads: Buffer[]): Promise<void> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      const body = 8 + payloads.reduce((n, p) => n + 4 + p.length, 0);
      const frame = Buffer.allocUnsafe(4 + body);
      frame.writeUInt32BE(body, 0);
      frame.writeUInt32BE(id, 4);
      frame.writeUInt32BE(payloads.length, 8);
      let at = 12;
      for (const p of payloads) {
        frame.writeUInt32BE(p.length, at);
        p.copy(frame, at + 4);
        at += 4 + p.length;
      }
      pending.set(id, { resolve, reject });
      socket.write(frame);
    });
  return {
    family: "memory",
    environment: "embedded (in-process real-time queue served over a loopback TCP hop)",
    settings: { ack: "after one event-loop turn, sent back over the TCP hop", transport: "length-prefixed frames over TCP (TCP_NODELAY)" },
    sendOne: (p) => send([p]),
    sendBatch: (ps) => send(ps),
    consume: async () => {},
    versions: () => ({ client: "gauntlet memory hop (TCP)", broker: "memory://", note: "Gauntlet's real-time in-process queue behind a loopback TCP hop" }),
    async close() {
      socket.destroy();
    },
  };
}

export function splitHostPort(address: string): [string, number] {
  const i = address.lastIndexOf(":");
  return [address.slice(0, i).replace(/^\[|\]$/g, ""), Number(address.slice(i + 1))];
}
