/**
 * Enforces EmulatorLimits on each accepted connection by wrapping a few of its rhea frame
 * handlers (on that connection object only; valid frames reach rhea unchanged):
 * - input: frames that declare more than max-frame-size are refused before being buffered;
 * - handshake and idle timers: half-open and slowloris sockets are dropped or closed;
 * - on_begin / on_attach: sessions and links are capped (caps.ts);
 * - on_disposition: the first..last range is clamped to the deliveries the session holds —
 *   rhea iterates every id of the range (first=0, last=2^32-1 froze the event loop);
 * - on_transfer: a message over its link's size stops being buffered at the frame that
 *   crosses the limit and is rejected with amqp:link:message-size-exceeded when complete.
 */
import type net from "node:net";
import type { Connection, Receiver } from "rhea";
import type { Link } from "./amqp.js";
import { EndpointCaps } from "./caps.js";
import { FrameScanner } from "./frame-scanner.js";
import type { EmulatorLimits } from "./limits.js";
import { refuseAttach } from "./links.js";
import { clampDisposition, type RheaConnection, type RheaFrame, type RheaLink } from "./rhea-internals.js";

/** How long a peer that was sent a close with an error may take before its socket is dropped. */
const CLOSE_GRACE_MS = 1000;
/** Connections over the cap are answered (open + close with the error) up to this many at a time, then dropped at accept. */
const REFUSAL_SLACK = 64;
/** A message format rhea does not decode: an oversized delivery reaches the server as empty bytes. */
const UNDECODED_FORMAT = 0x47_4e_54_01;
const EMPTY = Buffer.alloc(0);

interface Guarded {
  conn: RheaConnection;
  socket: net.Socket;
  opened: boolean;
  closing: boolean;
  lastFrameAt: number;
  timer?: NodeJS.Timeout;
}

/** The limits of one emulator server, applied to every connection it accepts. */
export class LimitGuard {
  /** Connections admitted (counted against maxConnections). */
  private readonly live = new Set<Guarded>();
  /** Connections over the cap, being refused. */
  private readonly refused = new Set<Guarded>();
  /** Set while rhea handles an attach beyond a link limit: the refusal. */
  private refusing: string | undefined;
  /** Bytes received so far of a delivery (rhea's incomplete delivery object). */
  private readonly bytes = new WeakMap<object, number>();
  /** Receivers whose current delivery exceeded its size: the bytes it reached. */
  private readonly oversized = new WeakMap<object, number>();

  constructor(
    readonly limits: EmulatorLimits,
    private readonly linkMessageLimit: (link: Link) => number,
    private readonly log: (reason: string) => void = () => {},
  ) {}

  /** rhea connection options advertising the limits in the server's open. */
  connectionOptions(): Record<string, number> {
    const o: Record<string, number> = { max_frame_size: this.limits.maxFrameSize, channel_max: this.limits.maxSessionsPerConnection - 1 };
    if (this.limits.idleTimeoutMs > 0) o.idle_time_out = this.limits.idleTimeoutMs;
    return o;
  }

  /** Call before rhea's accept(socket): false = the socket was dropped (far over the connection cap). */
  admit(connection: Connection, socket: net.Socket): boolean {
    const overQuota = this.live.size >= this.limits.maxConnections;
    if (overQuota && this.refused.size >= REFUSAL_SLACK) {
      this.log(`connection dropped at accept: ${this.live.size} connections, ${this.refused.size} being refused`);
      socket.destroy();
      return false;
    }
    const g: Guarded = { conn: connection as unknown as RheaConnection, socket, opened: false, closing: false, lastFrameAt: performance.now() };
    const set = overQuota ? this.refused : this.live;
    set.add(g);
    socket.once("close", () => {
      clearTimeout(g.timer);
      set.delete(g);
    });
    this.wrapInput(g);
    this.wrapHandlers(g, overQuota);
    this.arm(g, this.limits.handshakeTimeoutMs);
    return true;
  }

  /** In the server's sender_open / receiver_open: false = the attach was refused (links over the limit). */
  admitLink(link: Link): boolean {
    if (this.refusing === undefined) return true;
    refuseAttach(link, "amqp:resource-limit-exceeded", this.refusing);
    return false;
  }

  /** For a complete delivery on `receiver`: its size when it was over the limit (its bytes were dropped). */
  takeOversized(receiver: Receiver): number | undefined {
    const size = this.oversized.get(receiver);
    this.oversized.delete(receiver);
    return size;
  }

  /** Stop every timer (the server is closing). */
  close(): void {
    for (const g of [...this.live, ...this.refused]) clearTimeout(g.timer);
  }

  private wrapInput(g: Guarded): void {
    const scanner = new FrameScanner(this.limits.maxFrameSize);
    const input = g.conn.input.bind(g.conn);
    let refused = false;
    g.conn.input = (chunk: Buffer) => {
      if (refused || g.closing) return; // a peer being closed with an error is not read any more
      const before = scanner.units;
      const violation = scanner.feed(chunk);
      if (scanner.units !== before) g.lastFrameAt = performance.now();
      if (!violation) return input(chunk);
      refused = true;
      const what = violation.declared < 8 ? "is shorter than a frame header" : `exceeds the maximum frame size of ${violation.max} bytes`;
      this.fail(g, "amqp:connection:framing-error", `A frame declared a size of ${violation.declared} bytes, which ${what}.`);
    };
  }

  private wrapHandlers(g: Guarded, overQuota: boolean): void {
    const c = g.conn;
    const onOpen = c.on_open.bind(c);
    c.on_open = (frame: RheaFrame) => {
      onOpen(frame);
      g.opened = true;
      this.arm(g, this.limits.idleTimeoutMs);
      if (overQuota) this.fail(g, "amqp:resource-limit-exceeded", `The emulator cannot accept more than ${this.limits.maxConnections} concurrent connections.`);
    };
    new EndpointCaps(c, this.limits, { fail: (condition, description) => this.fail(g, condition, description), refuseLinks: (why) => (this.refusing = why) }).install();
    const onDisposition = c.on_disposition.bind(c);
    c.on_disposition = (frame: RheaFrame) => {
      const session = c.remote_channel_map[frame.channel];
      if (session && !clampDisposition(session, frame.performative)) return; // names no delivery the session holds
      onDisposition(frame);
    };
    const onTransfer = c.on_transfer.bind(c);
    c.on_transfer = (frame: RheaFrame) => {
      const link = c.remote_channel_map[frame.channel]?.remote.handles[frame.performative.handle as number];
      if (!link) return onTransfer(frame); // rhea raises its own error
      this.transfer(link, frame, onTransfer);
    };
  }

  private transfer(link: RheaLink, frame: RheaFrame, onTransfer: (f: RheaFrame) => void): void {
    const incomplete = link._incomplete;
    const length = frame.payload?.length ?? 0;
    const size = (incomplete ? (this.bytes.get(incomplete) ?? 0) : 0) + length;
    const limit = this.linkMessageLimit(link as unknown as Link);
    if (size > limit) {
      this.oversized.set(link, size);
      frame.payload = EMPTY;
      if (incomplete) {
        incomplete.frames = [];
        incomplete.format = UNDECODED_FORMAT;
      } else frame.performative.message_format = UNDECODED_FORMAT;
    }
    onTransfer(frame);
    const current = link._incomplete;
    if (current) this.bytes.set(current, size);
    else this.oversized.delete(link); // complete: the server has taken it (or the link was gone)
  }

  /** (Re)arm the connection's one timer: the handshake deadline, then idle checks. */
  private arm(g: Guarded, ms: number): void {
    clearTimeout(g.timer);
    if (ms <= 0 || g.closing) return;
    g.timer = setTimeout(() => this.tick(g), ms);
    g.timer.unref();
  }

  private tick(g: Guarded): void {
    if (!g.opened) {
      this.log(`handshake not completed within ${this.limits.handshakeTimeoutMs} ms`);
      return this.abort(g);
    }
    const quiet = performance.now() - g.lastFrameAt;
    const idle = this.limits.idleTimeoutMs;
    if (quiet >= idle) return this.fail(g, "amqp:connection:forced", `The connection was inactive for more than the allowed ${idle} milliseconds and is closed by the emulator.`);
    this.arm(g, Math.ceil(idle - quiet));
  }

  /** Close with an error once the AMQP open was exchanged (else just drop), then drop after a grace period. */
  private fail(g: Guarded, condition: string, description: string): void {
    this.log(`${condition}: ${description}`);
    if (!g.opened) return this.abort(g);
    if (g.closing) return;
    g.closing = true;
    clearTimeout(g.timer);
    g.conn.close({ condition, description });
    g.timer = setTimeout(() => this.abort(g), CLOSE_GRACE_MS);
    g.timer.unref();
  }

  /** Drop the socket and let rhea report the disconnect (so the server forgets its links). */
  private abort(g: Guarded): void {
    g.closing = true;
    clearTimeout(g.timer);
    if (g.conn.socket === g.socket) g.conn.abort_socket(g.socket);
    else g.socket.destroy();
  }
}
