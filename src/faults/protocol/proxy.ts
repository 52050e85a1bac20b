import { type Server, type Socket, connect, createServer } from "node:net";
import { InfrastructureError } from "../../core/errors.js";
import { AmqpFramer } from "./amqp-framer.js";
import { KafkaConnection } from "./kafka-framer.js";
import { ArmedRule, type Direction, type FrameView, type RuleSpec } from "./rules.js";

/** Which protocol the proxy frames. */
export type ProxyProtocol = "amqp-0-9-1" | "kafka";

export interface ProtocolProxyOptions {
  protocol: ProxyProtocol;
  /** host:port to listen on; port 0 = any free port. */
  listen: string;
  /** host:port of the broker. */
  upstream: string;
}

/** A running protocol proxy (testcontainers' Started* shape). */
export interface StartedProtocolProxy {
  /** The real listen address, host:port. */
  readonly listen: string;
  /** Bytes forwarded so far, each way (for transparency checks). */
  readonly bytes: Record<Direction, number>;
  /** Bytes read so far, each way: equal to `bytes` once connections close, when no rule fired. */
  readonly read: Record<Direction, number>;
  /** Client connections accepted so far. */
  readonly connections: () => number;
  /** Put a rule in force; its stop() takes it out and says what it did. */
  arm(spec: RuleSpec): ArmedRule;
  /** Put an armed rule in force here too (one rule over several proxies counts their frames together). */
  add(rule: ArmedRule): void;
  disarm(rule: ArmedRule): void;
  disarmAll(): void;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Frames of one direction of one connection, decoded by the protocol's framer. */
type Decoder = (chunk: Buffer) => FrameView[];

function decoders(protocol: ProxyProtocol): Record<Direction, Decoder> {
  if (protocol === "kafka") {
    const c = new KafkaConnection();
    return { "to-broker": (b) => c.fromClient(b), "to-client": (b) => c.fromBroker(b) };
  }
  const up = new AmqpFramer(true);
  const down = new AmqpFramer(false);
  return { "to-broker": (b) => up.push(b), "to-client": (b) => down.push(b) };
}

const hostPort = (s: string): [string, number] => {
  const i = s.lastIndexOf(":");
  return [s.slice(0, i) || "127.0.0.1", Number(s.slice(i + 1))];
};

/**
 * A TCP proxy that frames the protocol both ways and applies the rules in force to each frame:
 * with none in force, every byte is forwarded unchanged and in order. Fails with exit 4 when it
 * cannot listen or the broker does not accept a connection.
 */
export async function startProtocolProxy(options: ProtocolProxyOptions): Promise<StartedProtocolProxy> {
  const [upHost, upPort] = hostPort(options.upstream);
  await probe(upHost, upPort).catch((err: Error) => {
    throw new InfrastructureError(`protocol proxy cannot reach the broker at ${options.upstream}: ${err.message}`, "is the broker running? npx gauntlet brokers status");
  });
  const rules = new Set<ArmedRule>();
  const sockets = new Set<Socket>();
  const bytes: Record<Direction, number> = { "to-broker": 0, "to-client": 0 };
  const read: Record<Direction, number> = { "to-broker": 0, "to-client": 0 };
  let accepted = 0;
  const server: Server = createServer({ noDelay: true }, (client) => {
    accepted += 1;
    const broker = connect({ host: upHost, port: upPort, noDelay: true });
    sockets.add(client).add(broker);
    const close = () => {
      client.destroy();
      broker.destroy();
    };
    for (const s of [client, broker]) {
      s.on("error", close);
      s.on("close", () => {
        sockets.delete(s);
        close();
      });
    }
    const decode = decoders(options.protocol);
    const closingChannels: ClosingChannels = new Map();
    pump(client, broker, "to-broker", decode["to-broker"], rules, { bytes, read }, close, closingChannels);
    pump(broker, client, "to-client", decode["to-client"], rules, { bytes, read }, close, closingChannels);
  });
  const [host, port] = hostPort(options.listen);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  }).catch((err: Error) => {
    throw new InfrastructureError(`protocol proxy cannot listen on ${options.listen}: ${err.message}`, "free the port (another proxy or broker holds it?) and run again");
  });
  const address = server.address();
  const listen = `${host}:${typeof address === "object" && address ? address.port : port}`;
  const stop = async () => {
    rules.clear();
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return {
    listen,
    bytes,
    read,
    connections: () => accepted,
    arm: (spec) => {
      const rule = new ArmedRule(spec);
      rules.add(rule);
      return rule;
    },
    add: (rule) => void rules.add(rule),
    disarm: (rule) => void rules.delete(rule),
    disarmAll: () => rules.clear(),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

/** AMQP channels of one connection the proxy closed on both sides: which side's close-ok is still owed. */
type ClosingChannels = Map<number, Record<Direction, boolean>>;

/**
 * Whether a frame on a channel the proxy closed is dropped: everything a side sends on it, up to
 * and including its channel.close-ok, which answers the proxy's close, not the other side's.
 */
function droppedOnClosingChannel(closing: ClosingChannels, dir: Direction, frame: FrameView): boolean {
  const owed = frame.channel !== undefined ? closing.get(frame.channel) : undefined;
  if (!owed?.[dir]) return false;
  if (frame.kind === "channel.close-ok") {
    owed[dir] = false;
    if (!owed["to-broker"] && !owed["to-client"]) closing.delete(frame.channel!);
  }
  return true;
}

/** Forward from → to frame by frame, applying rules; keeps order (a delay holds what follows). */
function pump(
  from: Socket,
  to: Socket,
  dir: Direction,
  decode: Decoder,
  rules: Set<ArmedRule>,
  counts: Record<"bytes" | "read", Record<Direction, number>>,
  close: () => void,
  closingChannels: ClosingChannels,
): void {
  const { bytes, read } = counts;
  const back = dir === "to-broker" ? from : to; // where answers to a request go: the client
  let queue: Promise<void> | undefined;
  // Set once a rule closes the connection: nothing read after that frame is forwarded.
  let closing = false;
  const write = (buf: Buffer, then?: () => void) => {
    const go = () => {
      if (to.destroyed) return;
      bytes[dir] += buf.length;
      if (!to.write(buf)) from.pause();
      then?.();
    };
    if (queue) queue = queue.then(go);
    else go();
  };
  to.on("drain", () => from.resume());
  from.on("end", () => (queue ?? Promise.resolve()).then(() => to.end()));
  from.on("data", (chunk: Buffer) => {
    read[dir] += chunk.length;
    if (closing) return;
    let frames: FrameView[];
    try {
      frames = decode(chunk);
    } catch {
      return close();
    }
    let batch: Buffer[] = [];
    const flush = () => {
      if (batch.length) write(batch.length === 1 ? batch[0]! : Buffer.concat(batch));
      batch = [];
    };
    for (const frame of frames) {
      if (closingChannels.size && droppedOnClosingChannel(closingChannels, dir, frame)) continue;
      const rule = rules.size ? [...rules].find((r) => r.hits(dir, frame)) : undefined;
      if (!rule) {
        batch.push(frame.raw);
        continue;
      }
      const action = rule.spec.action;
      flush();
      if (action.do === "drop") continue;
      if (action.do === "drop-close" || action.do === "close-after") {
        closing = true;
        return write(action.do === "close-after" ? frame.raw : Buffer.alloc(0), close);
      }
      if (action.do === "duplicate") batch.push(frame.raw, frame.raw);
      else if (action.do === "delay") {
        const ms = action.ms;
        queue = (queue ?? Promise.resolve()).then(() => new Promise((r) => setTimeout(r, ms)));
        batch.push(frame.raw);
      } else if (action.do === "hold") {
        const { ms, resume } = action;
        if (!back.destroyed) back.write(action.notice);
        queue = (queue ?? Promise.resolve()).then(() => new Promise((r) => setTimeout(r, ms))).then(() => void (back.destroyed || back.write(resume)));
        batch.push(frame.raw);
      } else if (action.do === "close-channel") {
        const channel = frame.channel ?? 0;
        const closeFrame = action.close(channel);
        closingChannels.set(channel, { "to-broker": true, "to-client": true });
        if (dir === "to-broker") write(closeFrame);
        else if (!from.destroyed) from.write(closeFrame); // from is the broker
        if (!back.destroyed) back.write(closeFrame);
      } else if (action.do === "answer") {
        const reply = action.reply(frame);
        if (!reply) batch.push(frame.raw);
        else if (!back.destroyed) back.write(reply);
      }
    }
    flush();
  });
}

function probe(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = connect({ host, port });
    const timer = setTimeout(() => s.destroy(new Error("no answer within 5 s")), 5_000);
    s.once("connect", () => {
      clearTimeout(timer);
      s.end();
      resolve();
    });
    s.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}
