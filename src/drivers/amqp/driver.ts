import { randomBytes } from "node:crypto";
import type { ChannelModel } from "amqplib";
import type { Capability } from "../../core/capabilities.js";
import type { Clock } from "../../core/clock.js";
import type { Consumer, ConsumerOptions, DrainOptions, Driver, Producer } from "../../core/driver.js";
import type { EntitySpec } from "../../core/entities.js";
import type { Delivery, SentMessage } from "../../core/history.js";
import { DefiniteFailure } from "../../core/errors.js";
import { realClock } from "../../core/clock.js";
import { closeWithin } from "./close.js";
import { connectAmqp, connectAnyNode } from "./connect.js";
import { AmqpConsumer, toDelivery } from "./consumer.js";
import { drainBySubscription } from "./drain.js";
import { AmqpNames } from "./names.js";
import { type ClientRole, type ClusterClients, placement } from "./placement.js";
import { type ManagementEndpoint, readBack } from "./read-back.js";
import { type Declared, describeReadBack } from "./describe.js";

/** Settings read from an amqp:// URL's query (removed before amqplib sees the URL). */
export interface AmqpSettings {
  /** Connection URL for amqplib (may hold credentials: never print it). */
  url: string;
  queueType: "quorum" | "classic";
  /** Every node of a cluster (URLs like `url`): clients are placed on them (placement.ts), failing over. */
  nodes?: readonly string[];
  /** The cluster's node names, in the order of `nodes` (recorded as the node serving each op). */
  nodeNames?: readonly string[];
  /** The environment's record of open connections per node (its nemesis reads it). */
  clients?: ClusterClients;
  /** The management API a plan's settings are read back through (`?management=`), or why there is none. */
  management?: ManagementEndpoint | { off: string };
}

/** A plan's native RabbitMQ queue settings (EntitySpec.native). */
interface PlanQueue {
  type?: "quorum" | "classic";
  durable?: boolean;
  arguments?: Record<string, unknown>;
}

/** An open connection and, on a cluster, the name of the node it reached. */
interface Opened {
  connection: ChannelModel;
  node?: string;
}

/** What RabbitMQ 3.10 offers through AMQP 0-9-1; quorum queues add counting and delivery limits. */
export function amqpCapabilities(queueType: AmqpSettings["queueType"]): Set<Capability> {
  const caps = new Set<Capability>(["peek-lock", "receive-and-delete", "abandon", "dead-letter", "topics", "batch-send"]);
  if (queueType === "quorum") {
    caps.add("delivery-count");
    caps.add("max-delivery-count");
  }
  return caps;
}

/** Driver for RabbitMQ on amqplib: publisher confirms, basic.get consumers, DLX dead-lettering. */
export class AmqpDriver implements Driver {
  readonly family = "amqp";
  readonly capabilities: ReadonlySet<Capability>;
  readonly clock: Clock = realClock();
  /** A dropped connection requeues its unacknowledged deliveries at once. */
  readonly locksReleasedOnCrash = true;
  private entities: readonly EntitySpec[] = [];
  private readonly names = new AmqpNames(`gauntlet.${randomBytes(4).toString("hex")}`);
  private readonly created: { queues: string[]; exchanges: string[] } = { queues: [], exchanges: [] };
  /** A plan's queues and exchanges as declared, read back by describe(). */
  private readonly declared: Declared[] = [];
  /** Queue type per address, where a plan set one. */
  private readonly types = new Map<string, "quorum" | "classic">();
  /** Addresses of queues with x-single-active-consumer: read by subscription (see singleActiveConsumer). */
  private readonly singleActive = new Set<string>();

  /** Set when the admin connection dropped (a network fault): the next use opens a new one. */
  private adminLost = false;
  /** Connections opened so far per role: the k-th client of a role is placed by placement(). */
  private readonly placed: Record<ClientRole, number> = { admin: 0, producer: 0, consumer: 0 };

  private constructor(private readonly settings: AmqpSettings) {
    this.capabilities = amqpCapabilities(settings.queueType);
  }

  private admin!: ChannelModel;

  /** Open a connection to the broker, or to a cluster node chosen by placement() (failing over to the next). */
  private async open(role: ClientRole): Promise<Opened> {
    const { nodes, nodeNames, clients } = this.settings;
    if (!nodes?.length) return { connection: await connectAmqp(this.settings.url) };
    const ordinal = this.placed[role]++;
    const { connection, node } = await connectAnyNode(nodes, placement(role, ordinal, nodes.length));
    if (clients) connection.on("close", clients.opened(role, ordinal, node));
    const name = nodeNames?.[node];
    return name === undefined ? { connection } : { connection, node: name };
  }

  private watch(connection: ChannelModel): void {
    connection.on("error", () => {});
    connection.on("close", () => {
      if (connection === this.admin) this.adminLost = true;
    });
  }

  /** The admin connection, reopened if a fault closed it. */
  private async adminConnection(): Promise<ChannelModel> {
    if (this.adminLost) {
      this.admin = (await this.open("admin")).connection;
      this.adminLost = false;
      this.watch(this.admin);
    }
    return this.admin;
  }

  static async connect(settings: AmqpSettings): Promise<AmqpDriver> {
    const driver = new AmqpDriver(settings);
    driver.admin = (await driver.open("admin")).connection;
    driver.watch(driver.admin);
    return driver;
  }

  async provision(entities: readonly EntitySpec[]): Promise<void> {
    this.entities = entities;
    // Existing entities (a plan's useExisting): used by their own names; nothing is declared, bound or deleted.
    for (const e of entities.filter((x) => x.existing)) this.useExisting(e);
    const ch = await (await this.adminConnection()).createChannel();
    try {
      for (const e of entities.filter((x) => !x.existing)) {
        if (e.kind === "queue") await this.declareQueue(ch, e.name, e);
        else {
          const exchange = this.names.exchange(e.name);
          await ch.assertExchange(exchange, "fanout", { durable: true });
          this.created.exchanges.push(exchange);
          if (e.native) this.declared.push({ address: e.name, exchange, native: e.native });
          for (const s of e.subscriptions) {
            const q = await this.declareQueue(ch, `${e.name}/${s.name}`, s);
            await ch.bindQueue(q, exchange, "");
          }
        }
      }
    } finally {
      await closeWithin(ch.close());
    }
  }

  /**
   * A plan's queues and exchanges as the broker has them, through the management API: type,
   * durability and arguments, with what policies (or RabbitMQ's own rules) changed (effective.ts).
   * When the API cannot be reached, each address says read-back was not possible, and why.
   */
  async describe(): Promise<Record<string, Record<string, unknown>>> {
    if (!this.declared.length) return {};
    const m = this.settings.management;
    const back =
      m && !("off" in m)
        ? await readBack(m, this.declared.flatMap((d) => (d.queue ? [d.queue] : [])), this.declared.flatMap((d) => (d.exchange ? [d.exchange] : [])))
        : { unavailable: `not read back: ${m?.off ?? "the management API is off (?management=off)"}` };
    return describeReadBack(this.declared, back);
  }

  /** A producer is its own connection, as in an application: a fault that kills it kills only it. */
  async producer(): Promise<Producer> {
    const { connection, node } = await this.open("producer");
    connection.on("error", () => {});
    const ch = await connection.createConfirmChannel().catch(async (err: unknown) => {
      await connection.close().catch(() => {});
      throw err;
    });
    let returned: string | undefined;
    ch.on("return", (msg) => (returned = String(msg.properties.messageId)));
    ch.on("error", () => {});
    return {
      send: async (target: string, messages: readonly SentMessage[]) => {
        returned = undefined;
        const topic = AmqpNames.isTopic(target, this.entities);
        for (const m of messages) {
          const content = Buffer.alloc(m.size ?? 0, 120);
          const options = { persistent: true, mandatory: true, messageId: m.id, headers: m.key === undefined ? {} : { "x-gauntlet-key": m.key } };
          if (topic) ch.publish(this.names.exchange(target), "", content, options);
          else ch.publish("", this.names.queue(target), content, options);
        }
        try {
          await ch.waitForConfirms();
        } catch (err) {
          // Only a nack proves the broker refused it; a channel closed before the confirm leaves
          // the outcome unknown (the message may well be queued): that is `info`, not `fail`.
          if ((err as Error).message === "message nacked") throw new DefiniteFailure("broker nacked the publish", "nacked");
          throw err;
        }
        if (returned !== undefined) throw new DefiniteFailure(`message ${returned} was unroutable (312 NO_ROUTE)`, "unroutable");
      },
      node: () => node,
      close: async () => {
        await closeWithin(ch.close());
        await closeWithin(connection.close());
      },
    };
  }

  async consumer(source: string, options: ConsumerOptions): Promise<Consumer> {
    const { connection, node } = await this.open("consumer");
    const channel = await connection.createChannel();
    return new AmqpConsumer(connection, channel, this.names.queue(source), source, options, this.quorumAt(source), node, this.singleActive.has(source));
  }

  async drain(source: string, options: DrainOptions): Promise<Delivery[]> {
    // An existing queue dead-letters along its own route, to queues that are not Gauntlet's to read.
    if (options.dlq && this.names.existing.has(source)) return [];
    const ch = await (await this.adminConnection()).createChannel();
    const queue = options.dlq ? this.names.deadLetterQueue(source) : this.names.queue(source);
    const out: Delivery[] = [];
    try {
      if (!options.dlq && this.singleActive.has(source)) {
        for (const msg of await drainBySubscription(ch, queue)) out.push(toDelivery(msg, source, this.quorumAt(source)));
        return out;
      }
      for (let msg = await ch.get(queue, { noAck: true }); msg; msg = await ch.get(queue, { noAck: true })) {
        out.push(toDelivery(msg, source, this.quorumAt(source), options.dlq ? { dlq: true } : {}));
      }
    } finally {
      await closeWithin(ch.close());
    }
    return out;
  }

  /** Delete what this connection declared, then disconnect. */
  async close(): Promise<void> {
    const ch = await this.adminConnection()
      .then((c) => c.createChannel())
      .catch(() => undefined);
    if (ch) {
      for (const q of this.created.queues) await ch.deleteQueue(q).catch(() => {});
      for (const x of this.created.exchanges) await ch.deleteExchange(x).catch(() => {});
    }
    await closeWithin(this.admin.close());
  }

  /** Messages ready at each existing address (queue.declare passive: nothing is received); rejects naming a queue that does not exist. */
  async countExisting(entities: readonly EntitySpec[]): Promise<Record<string, number>> {
    for (const e of entities) this.useExisting(e);
    const out: Record<string, number> = {};
    const consumed: string[] = [];
    const addresses = entities.flatMap((e) => (e.kind === "queue" ? [e.name] : e.subscriptions.map((s) => `${e.name}/${s.name}`)));
    for (const address of addresses) {
      const queue = this.names.queue(address);
      const ch = await (await this.adminConnection()).createChannel();
      ch.on("error", () => {});
      try {
        const q = await ch.checkQueue(queue);
        out[address] = q.messageCount;
        if (q.consumerCount > 0) consumed.push(`${queue} has ${q.consumerCount} consumer${q.consumerCount === 1 ? "" : "s"}`);
      } catch (err) {
        throw new Error(/NOT_FOUND|404/.test((err as Error).message) ? `no queue "${queue}" on the broker` : `cannot check queue "${queue}": ${(err as Error).message}`);
      } finally {
        await closeWithin(ch.close().catch(() => {}));
      }
    }
    // Another application's consumer would take (and settle) Gauntlet's messages: the verdict would be about it.
    if (consumed.length) throw new Error(`refusing to start: ${consumed.join(", ")} (they would take Gauntlet's messages)`);
    return out;
  }

  private useExisting(e: EntitySpec): void {
    const queues = e.kind === "queue" ? [{ address: e.name, s: e }] : e.subscriptions.map((s) => ({ address: `${e.name}/${s.name}`, s }));
    if (e.kind === "topic") this.names.existing.add(e.name);
    for (const { address, s } of queues) {
      this.names.existing.add(address);
      const native = s.native as PlanQueue | undefined;
      this.types.set(address, native?.type ?? this.settings.queueType);
      if (singleActiveConsumer(native?.arguments)) this.singleActive.add(address);
    }
  }

  /** Whether the queue at `address` is a quorum queue (a plan's own type, else the URL's queue-type). */
  private quorumAt(address: string): boolean {
    return (this.types.get(address) ?? this.settings.queueType) === "quorum";
  }

  private async declareQueue(ch: Awaited<ReturnType<ChannelModel["createChannel"]>>, address: string, spec: { maxDeliveryCount?: number; native?: Record<string, unknown> }): Promise<string> {
    const name = this.names.queue(address);
    const dlq = this.names.deadLetterQueue(address);
    const native = spec.native as PlanQueue | undefined;
    const type = native?.type ?? this.settings.queueType;
    this.types.set(address, type);
    if (singleActiveConsumer(native?.arguments)) this.singleActive.add(address);
    await ch.assertQueue(dlq, { durable: true, arguments: { "x-queue-type": type } });
    let args: Record<string, unknown>;
    if (native) {
      // A plan's queue gets exactly its arguments; a dead-letter exchange it names is routed to a
      // private DLQ Gauntlet reads (the exchange itself is the user's, not created here).
      args = { ...(native.arguments ?? {}), "x-queue-type": type };
      if (args["x-dead-letter-exchange"] !== undefined) Object.assign(args, { "x-dead-letter-exchange": "", "x-dead-letter-routing-key": dlq });
    } else {
      args = { "x-queue-type": type, "x-dead-letter-exchange": "", "x-dead-letter-routing-key": dlq };
      // RabbitMQ dead-letters after delivery-limit + 1 deliveries; Gauntlet's maxDeliveryCount counts all of them.
      if (type === "quorum" && spec.maxDeliveryCount !== undefined) args["x-delivery-limit"] = Math.max(0, spec.maxDeliveryCount - 1);
    }
    await ch.assertQueue(name, { durable: native?.durable ?? true, arguments: args });
    this.created.queues.push(name, dlq);
    if (native) this.declared.push({ address, queue: name, native: spec.native!, sent: args });
    return name;
  }
}

/**
 * A queue with single active consumer is read by subscription: only subscriptions are governed by
 * it (basic.get bypasses it on classic queues), and quorum queues refuse basic.get outright
 * ("not supported by quorum queues with single active consumer").
 */
function singleActiveConsumer(args: Record<string, unknown> | undefined): boolean {
  return args?.["x-single-active-consumer"] === true;
}
