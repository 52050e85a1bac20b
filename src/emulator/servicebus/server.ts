/**
 * The AMQP side: a rhea container in listen mode on plain TCP, routing each attach to $cbs,
 * $management, a sending link or a receiving link, and each transfer / disposition to the store.
 */
import net from "node:net";
import rhea from "rhea";
import type { Connection, Delivery, EventContext, Receiver, Sender } from "rhea";
import { acknowledgeEveryRead } from "./ack-nudge.js";
import type { AdminListener } from "./admin/listener.js";
import { captureRawInput, type Link, type Message, outcomes, types } from "./amqp.js";
import { covers, putToken } from "./cbs.js";
import type { Disposition, EntityQueue } from "./entity-store.js";
import type { FaultState, FaultTarget, LinkRole } from "./faults.js";
import { LimitGuard } from "./guard.js";
import type { EmulatorLimits } from "./limits.js";
import { answerDisposition, OutgoingLink, type Outcome, refuseAttach, remoteAddress, termFields } from "./links.js";
import { handleManagement } from "./management.js";
import { type Namespace, SendRejected } from "./namespace.js";
import { attachSessionReceiver } from "./session-attach.js";
import { decodeTransfer } from "./stored-message.js";

type LinkInfo =
  | { role: "cbs" | "management"; address: string }
  | { role: "send"; address: string }
  | { role: "receive"; address: string; queue: EntityQueue; consumer?: OutgoingLink };

export interface ServerOptions {
  keyName: string;
  key: string;
  faults: FaultState;
  /** Longest wait for a free session on acceptNextSession. */
  sessionWaitCapMs: number;
  /** Frame, message, connection, session and link limits and timeouts (limits.ts). */
  limits: EmulatorLimits;
  /** The administration API (ATOM over HTTP/HTTPS) on the same port; absent = AMQP only. */
  admin?: AdminListener;
}

const INCOMING_CREDIT = 100;
/** Pending connections the kernel queues before accept (capped by net.core.somaxconn). */
const LISTEN_BACKLOG = 4096;
const MANAGEMENT = "/$management";

export class EmulatorServer implements FaultTarget {
  private readonly container = rhea.create_container({ id: "gauntlet-servicebus-emulator" });
  private readonly tcp: net.Server;
  private readonly sockets = new Set<net.Socket>();
  /** Connections rhea has not yet seen disconnect: their heartbeat timers are cleared on close(). */
  private readonly connections = new Set<Connection>();
  private readonly links = new Map<Link, LinkInfo>();
  /** Links the server detached (session lock lost, fault hooks): a disposition that crossed the detach is still judged by its lock token (issue 12). */
  private readonly retired = new WeakMap<Link, LinkInfo>();
  private readonly grants = new WeakMap<Connection, Set<string>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private nextLinkId = 1;
  private readonly limiter: LimitGuard;

  constructor(
    readonly ns: Namespace,
    private readonly options: ServerOptions,
  ) {
    this.limiter = new LimitGuard(options.limits, (link) => this.messageLimit(link), (reason) => {
      if (process.env.GAUNTLET_EMULATOR_DEBUG) process.stderr.write(`emulator: limit: ${reason}\n`);
    });
    this.tcp = net.createServer((socket) => this.accept(socket));
    this.wire();
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.tcp.once("error", reject);
      // Node's default backlog (511) dropped SYNs when 1,000 clients connected at once; their retries took > 60 s (issue 12).
      this.tcp.listen({ port, host, backlog: LISTEN_BACKLOG }, () => {
        this.tcp.off("error", reject);
        resolve((this.tcp.address() as net.AddressInfo).port);
      });
    });
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.limiter.close();
    this.options.admin?.close();
    this.dropConnections();
    // rhea hears of a socket's end through 'end' or 'error', not 'close': a destroyed socket leaves
    // its connection's idle timer (2 × the 60 s idle timeout) running, which kept a process that
    // had stopped the emulator alive for two more minutes. Nothing runs after close(): clear them.
    for (const conn of this.connections) stopHeartbeats(conn);
    this.connections.clear();
    this.container.removeAllListeners();
    this.container.on("error", () => {}); // late socket errors after shutdown
    await new Promise<void>((resolve) => this.tcp.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on("close", () => this.sockets.delete(socket));
    socket.setNoDelay(true);
    if (this.options.admin) this.options.admin.route(socket, (s) => this.acceptAmqp(s), this.options.limits.handshakeTimeoutMs);
    else this.acceptAmqp(socket);
  }

  private acceptAmqp(socket: net.Socket): void {
    const conn = this.container.create_connection({
      treat_modified_as_released: false,
      autoaccept: false,
      credit_window: 0,
      properties: { product: "gauntlet-servicebus-emulator" },
      ...this.limiter.connectionOptions(),
    } as never);
    captureRawInput(conn);
    this.connections.add(conn);
    if (!this.limiter.admit(conn, socket)) return;
    (conn as unknown as { accept(s: net.Socket): void }).accept(socket);
    acknowledgeEveryRead(socket, () => conn.is_open()); // issue 12: no 40 ms delayed-ACK stalls
  }

  private wire(): void {
    const c = this.container;
    const debug = process.env.GAUNTLET_EMULATOR_DEBUG ? (e: unknown) => process.stderr.write(`emulator: ${String((e as Error)?.stack ?? (e as EventContext)?.connection?.error ?? e)}\n`) : () => {};
    const quiet = debug;
    for (const e of ["error", "protocol_error", "connection_error", "session_error", "sender_error", "receiver_error"]) c.on(e, quiet);
    c.on("sender_open", (ctx: EventContext) => this.guard(ctx, () => this.limiter.admitLink(ctx.sender!) && this.onSenderOpen(ctx.sender!)));
    c.on("receiver_open", (ctx: EventContext) => this.guard(ctx, () => this.limiter.admitLink(ctx.receiver!) && this.onReceiverOpen(ctx.receiver!)));
    c.on("message", (ctx: EventContext) => this.guard(ctx, () => this.onMessage(ctx)));
    for (const outcome of ["accepted", "rejected", "modified", "released"] as const) {
      c.on(outcome, (ctx: EventContext) => this.guard(ctx, () => this.onDisposition(ctx.sender!, ctx.delivery!, outcome)));
    }
    const pump = (ctx: EventContext) => this.guard(ctx, () => this.pumpLink(ctx.sender!));
    c.on("sendable", pump);
    c.on("sender_flow", pump);
    c.on("sender_close", (ctx: EventContext) => this.forget(ctx.sender!));
    c.on("receiver_close", (ctx: EventContext) => this.forget(ctx.receiver!));
    c.on("session_close", (ctx: EventContext) => this.forgetWhere((l) => l.session === ctx.session));
    c.on("disconnected", (ctx: EventContext) => {
      this.connections.delete(ctx.connection);
      this.forgetWhere((l) => l.connection === ctx.connection);
    });
  }

  /** A handler that throws must not take the process down; the connection is closed instead. */
  private guard(ctx: EventContext, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      if (process.env.GAUNTLET_EMULATOR_DEBUG) process.stderr.write(`emulator: handler failed: ${(err as Error).stack}\n`);
      ctx.connection.close({ condition: "amqp:internal-error", description: (err as Error).message });
    }
  }

  private authorized(link: Link, address: string): boolean {
    return covers(this.grants.get(link.connection) ?? [], address);
  }

  private echo(link: Link): void {
    if (link.source) link.set_source(termFields(link.source) as never);
    if (link.target) link.set_target(termFields(link.target) as never);
    const attach = (link as unknown as { local: { attach: Record<string, unknown> } }).local.attach;
    attach.snd_settle_mode = link.snd_settle_mode;
    attach.rcv_settle_mode = link.rcv_settle_mode;
  }

  /** The client attaches a receiver: $cbs / $management replies, or a queue to read. */
  private onSenderOpen(sender: Sender): void {
    const address = remoteAddress(sender) ?? "";
    if (address === "$cbs" || address.endsWith(MANAGEMENT)) {
      const entity = address.slice(0, -MANAGEMENT.length);
      if (address !== "$cbs" && !this.ns.queueAt(entity) && !this.ns.isSendable(entity)) return refuseAttach(sender, "amqp:not-found", `The messaging entity '${entity}' could not be found.`);
      this.echo(sender);
      this.links.set(sender, { role: address === "$cbs" ? "cbs" : "management", address });
      return;
    }
    const queue = this.ns.queueAt(address);
    if (!queue) return refuseAttach(sender, "amqp:not-found", `The messaging entity '${address}' could not be found.`);
    if (!this.authorized(sender, address)) return refuseAttach(sender, "amqp:unauthorized-access", `Unauthorized access to '${address}': no valid token was put on $cbs.`);
    this.echo(sender);
    const info: LinkInfo = { role: "receive", address, queue };
    this.links.set(sender, info);
    const id = `link-${this.nextLinkId++}`;
    const consumer = (sessionId: string | undefined) => {
      info.consumer = new OutgoingLink(sender, id, sender.snd_settle_mode === 1, sessionId, () => this.options.faults.creditStarved);
      return info.consumer;
    };
    if (queue.settings.requiresSession) {
      attachSessionReceiver({ sender, queue, id, waitCapMs: this.options.sessionWaitCapMs, consumer, stillWanted: () => this.links.has(sender) });
      return;
    }
    queue.addConsumer(consumer(undefined));
  }

  /** The client attaches a sender: $cbs / $management requests, or messages for an entity. */
  private onReceiverOpen(receiver: Receiver): void {
    const address = remoteAddress(receiver) ?? "";
    if (address === "$cbs" || address.endsWith(MANAGEMENT)) {
      this.echo(receiver);
      this.links.set(receiver, { role: address === "$cbs" ? "cbs" : "management", address });
      receiver.add_credit(INCOMING_CREDIT);
      return;
    }
    if (!this.ns.isSendable(address)) return refuseAttach(receiver, "amqp:not-found", `The messaging entity '${address}' could not be found.`);
    if (!this.authorized(receiver, address)) return refuseAttach(receiver, "amqp:unauthorized-access", `Unauthorized access to '${address}': no valid token was put on $cbs.`);
    this.echo(receiver);
    (receiver as unknown as { local: { attach: { max_message_size: number } } }).local.attach.max_message_size = this.ns.maxMessageSize(address);
    this.links.set(receiver, { role: "send", address });
    if (!this.options.faults.creditStarved) receiver.add_credit(INCOMING_CREDIT);
  }

  private onMessage(ctx: EventContext): void {
    const receiver = ctx.receiver!;
    const delivery = ctx.delivery!;
    const info = this.links.get(receiver);
    const oversized = this.limiter.takeOversized(receiver);
    if (oversized !== undefined) {
      // The guard stopped buffering this message at the frame that crossed the limit.
      delivery.update(true, outcomes.rejected({ condition: "amqp:link:message-size-exceeded", description: `The message (at least ${oversized} bytes) exceeds the limit of ${this.messageLimit(receiver)} bytes.` }));
      if (info?.role !== "send" || !this.options.faults.creditStarved) receiver.add_credit(1);
      return;
    }
    if (!info || info.role === "receive") return;
    if (info.role === "send") {
      this.onSend(info.address, ctx.message as Message | Buffer, delivery);
      if (!this.options.faults.creditStarved) receiver.add_credit(1);
      return;
    }
    delivery.update(true, outcomes.accepted());
    receiver.add_credit(1);
    const req = ctx.message as Message;
    let props: Record<string, unknown>;
    let body: unknown;
    if (info.role === "cbs") {
      const r = putToken(req, this.options.keyName, this.options.key);
      if (r.grantsPath !== undefined) {
        const g = this.grants.get(ctx.connection) ?? new Set<string>();
        g.add(r.grantsPath);
        this.grants.set(ctx.connection, g);
      }
      // The service types status codes as AMQP int (Java casts to Integer, Go asserts int32).
      props = { "status-code": types.wrap_int(r.status), "status-description": r.description };
    } else {
      const entity = info.address.slice(0, -MANAGEMENT.length);
      const r = this.authorized(receiver, info.address)
        ? handleManagement(this.ns, entity, req)
        : { status: 401, condition: "amqp:unauthorized-access", description: "no valid token was put on $cbs", body: undefined };
      props = { statusCode: types.wrap_int(r.status), statusDescription: r.description ?? "" };
      if (r.condition) props.errorCondition = r.condition;
      body = r.body;
      if (r.status < 300) this.ns.queueAt(entity)?.pump(); // a settlement may free credit-bound deliveries
    }
    const replyLink = this.pairedSender(receiver, info.address);
    const reply: Message = { body: undefined, to: req.reply_to, correlation_id: req.message_id, application_properties: props };
    if (body !== undefined) reply.body = body;
    replyLink?.send(reply);
  }

  private onSend(address: string, payload: Message | Buffer, delivery: Delivery): void {
    const reject = (condition: string, description: string) => delivery.update(true, outcomes.rejected({ condition, description }));
    if (this.options.faults.takeServerBusy()) return reject("com.microsoft:server-busy", "The server is busy (emulator fault hook). Please retry the operation.");
    try {
      this.ns.send(address, decodeTransfer(payload, delivery.format));
      delivery.update(true, outcomes.accepted());
    } catch (err) {
      if (err instanceof SendRejected) return reject(err.condition, err.message);
      reject("amqp:decode-error", `the transfer could not be decoded: ${(err as Error).message}`);
    }
  }

  /** The largest message a client may transfer on `link`: its entity's size, else the management limit. */
  private messageLimit(link: Link): number {
    const info = this.links.get(link);
    return info?.role === "send" ? this.ns.maxMessageSize(info.address) : this.options.limits.maxManagementMessageBytes;
  }

  /** Replies go on the sender in the same AMQP session whose source is the request address. */
  private pairedSender(receiver: Receiver, address: string): Sender | undefined {
    for (const [link, info] of this.links) {
      if (link.is_sender() && link.session === receiver.session && info.address === address) return link as Sender;
    }
    return undefined;
  }

  private onDisposition(sender: Sender, delivery: Delivery, outcome: Outcome): void {
    const info = this.links.get(sender) ?? this.retired.get(sender);
    const consumer = info?.role === "receive" ? info.consumer : undefined;
    const token = consumer?.lockTokenOf(delivery);
    if (!info || info.role !== "receive" || !token) return answerDisposition(delivery, outcome);
    const applied = info.queue.settle(token, toDisposition(outcome, delivery.remote_state as Record<string, unknown> | undefined));
    const answer = () => answerDisposition(delivery, applied ? outcome : { lockLost: `The lock for this message was lost (token ${token}).` });
    const fault = this.options.faults.nextDispositionFault();
    if (fault?.mode === "drop") return;
    if (fault?.mode === "delay") {
      const t = setTimeout(() => {
        this.timers.delete(t);
        answer();
      }, fault.ms);
      this.timers.add(t);
      return;
    }
    answer();
  }

  private pumpLink(sender: Sender): void {
    const info = this.links.get(sender);
    if (info?.role !== "receive" || !info.consumer) return;
    info.queue.pump();
    info.consumer.answerDrain();
  }

  private forget(link: Link): void {
    const info = this.links.get(link);
    this.links.delete(link);
    if (info) this.retired.set(link, info);
    if (info?.role === "receive" && info.consumer) info.queue.removeConsumer(info.consumer);
  }

  private forgetWhere(pred: (l: Link) => boolean): void {
    for (const l of [...this.links.keys()]) if (pred(l)) this.forget(l);
  }

  // ---- FaultTarget ----

  queues(): EntityQueue[] {
    return this.ns.queues();
  }

  detachLinks(match: { entity?: string; role?: LinkRole }, condition: string, description: string): number {
    let n = 0;
    for (const [link, info] of [...this.links]) {
      if (info.role !== "send" && info.role !== "receive") continue;
      if (match.role && (match.role === "receiver") !== (info.role === "receive")) continue;
      if (match.entity !== undefined && info.address.toLowerCase() !== match.entity.toLowerCase()) continue;
      this.forget(link);
      link.close({ condition, description });
      n += 1;
    }
    return n;
  }

  /** An entity was deleted at run time: its links (and those of its sub-queues and subscriptions) are detached with amqp:not-found, as the service does. */
  entityDeleted(path: string): void {
    const p = path.toLowerCase();
    for (const [link, info] of [...this.links]) {
      const a = info.address.toLowerCase();
      if (info.role === "cbs" || (a !== p && !a.startsWith(`${p}/`))) continue;
      this.forget(link);
      link.close({ condition: "amqp:not-found", description: `The messaging entity '${path}' was deleted.` });
    }
  }

  dropConnections(): number {
    const n = this.sockets.size;
    for (const s of this.sockets) s.destroy();
    return n;
  }

  restoreCredit(): void {
    for (const [link, info] of this.links) {
      if (info.role === "send" && link.is_receiver()) {
        const r = link as Receiver & { credit: number };
        if (r.credit < INCOMING_CREDIT) r.add_credit(INCOMING_CREDIT - r.credit);
      }
    }
    for (const q of this.ns.queues()) q.pump();
  }

  /** The session holding `owner`'s lock expired: detach its link with session-lock-lost. */
  sessionLockLost(queue: EntityQueue, sessionId: string, owner: string): void {
    for (const [link, info] of [...this.links]) {
      if (info.role === "receive" && info.queue === queue && info.consumer?.id === owner) {
        this.forget(link);
        link.close({ condition: "com.microsoft:session-lock-lost", description: `The session lock for '${sessionId}' has expired.` });
      }
    }
  }
}

function toDisposition(outcome: Outcome, state: Record<string, unknown> | undefined): Disposition {
  switch (outcome) {
    case "accepted":
      return { kind: "complete" };
    case "released":
      return { kind: "abandon" };
    case "modified": {
      const annotations = state?.message_annotations as Record<string, unknown> | undefined;
      return state?.undeliverable_here ? { kind: "defer", annotations } : { kind: "abandon", annotations };
    }
    case "rejected": {
      const error = (state?.error ?? {}) as { condition?: string; description?: string; info?: Record<string, unknown> };
      const { DeadLetterReason, DeadLetterErrorDescription, ...properties } = error.info ?? {};
      return {
        kind: "dead-letter",
        reason: (DeadLetterReason as string | undefined) ?? (error.condition === "com.microsoft:dead-letter" ? undefined : error.condition),
        description: (DeadLetterErrorDescription as string | undefined) ?? error.description,
        properties,
      };
    }
  }
}

/** Clear rhea's per-connection timers (heartbeats, idle abort), as its own disconnect handling does. */
function stopHeartbeats(conn: Connection): void {
  const timers = conn as unknown as Record<"heartbeat_in" | "heartbeat_out" | "abort_idle", NodeJS.Timeout | undefined>;
  for (const k of ["heartbeat_in", "heartbeat_out", "abort_idle"] as const) {
    if (timers[k]) clearTimeout(timers[k]);
    timers[k] = undefined;
  }
}
