import type { Capability } from "../../core/capabilities.js";
import { CAPABILITIES } from "../../core/capabilities.js";
import type { Consumer, ConsumerOptions, DrainOptions, Driver, Producer } from "../../core/driver.js";
import type { EntitySpec } from "../../core/entities.js";
import type { Delivery, SentMessage, SettleOutcome } from "../../core/history.js";
import { NS_PER_MS } from "../../core/clock.js";
import type { MemoryBroker } from "../../brokers/memory/broker.js";
import type { SeededRandom } from "../../brokers/memory/random.js";
import type { VirtualClock } from "../../brokers/memory/virtual-clock.js";
import { SimulatedTimeout, Timeouts } from "./timeouts.js";

/** One-way network delay range the driver simulates around each broker call, ms. */
export interface LatencyRange {
  minMs: number;
  maxMs: number;
}

/** Driver for the embedded broker: every call crosses a simulated network hop each way. */
export class MemoryDriver implements Driver {
  readonly family = "memory";
  readonly capabilities: ReadonlySet<Capability> = new Set(CAPABILITIES);
  readonly locksReleasedOnCrash = false;
  /** The embedded broker stores a batch in one step. */
  readonly atomicBatches = true;
  private consumers = 0;

  constructor(
    private readonly broker: MemoryBroker,
    readonly clock: VirtualClock,
    private readonly random: SeededRandom,
    private readonly latency: LatencyRange = { minMs: 0.05, maxMs: 0.5 },
    /** Probability that a client call times out (memory://?timeouts=RATE); see Timeouts. */
    timeoutRate = 0,
  ) {
    this.timeouts = new Timeouts(timeoutRate, random, clock);
  }

  /** The timed-out-operations switch, shared with this driver's consumers. */
  readonly timeouts: Timeouts;

  /** Wait one simulated network hop. */
  hop(): Promise<void> {
    const us = this.random.int(Math.round(this.latency.minMs * 1000), Math.round(this.latency.maxMs * 1000));
    return this.clock.sleep(us / 1000);
  }

  async provision(entities: readonly EntitySpec[]): Promise<void> {
    await this.call(() => this.broker.provision(entities));
  }

  async producer(): Promise<Producer> {
    return {
      send: (target: string, messages: readonly SentMessage[]) => this.clientCall(() => this.broker.send(target, messages)),
      close: async () => {},
    };
  }

  async consumer(source: string, options: ConsumerOptions): Promise<Consumer> {
    await this.hop();
    return new MemoryConsumer(this, this.broker, source, options, `consumer-${++this.consumers}`);
  }

  async drain(source: string, options: DrainOptions): Promise<Delivery[]> {
    const out: Delivery[] = [];
    const deadline = this.clock.now() + options.maxWaitMs * NS_PER_MS;
    for (;;) {
      const got = await this.call(() => this.broker.drain(source, options.dlq));
      out.push(...got.deliveries);
      if (got.locked === 0 || this.clock.now() >= deadline) return out;
      // Wait for held locks (e.g. a crashed consumer's) to expire, then drain again.
      const until = Math.min(got.nextExpiry ?? deadline, deadline);
      await this.clock.sleep(Math.max(0.001, (until - this.clock.now()) / NS_PER_MS));
    }
  }

  async close(): Promise<void> {}

  /** Apply `fn` at the broker later (a request that arrives after its client gave up). */
  lateCall(fn: () => unknown): void {
    this.timeouts.late(fn);
  }

  /** A client's call: like call(), but subject to the timed-out-operations switch. */
  clientCall<T>(fn: () => T): Promise<T> {
    return this.timeouts.call(fn, () => this.hop());
  }

  /** Run `fn` at the broker between two network hops. */
  async call<T>(fn: () => T): Promise<T> {
    await this.hop();
    const result = fn();
    await this.hop();
    return result;
  }
}

class MemoryConsumer implements Consumer {
  private dead = false;

  constructor(
    private readonly driver: MemoryDriver,
    private readonly broker: MemoryBroker,
    private readonly source: string,
    private readonly options: ConsumerOptions,
    private readonly id: string,
  ) {}

  async receive(max: number, waitMs: number): Promise<Delivery[]> {
    this.assertAlive();
    const timeout = this.driver.timeouts.pick();
    await this.driver.hop();
    if (timeout === "lost-request") throw new SimulatedTimeout(timeout);
    if (timeout === "late-request") {
      // Taken (or locked) at the broker after the client gave up: nobody ever sees these deliveries.
      this.driver.lateCall(() => this.broker.receive(this.source, this.id, max, this.options.mode));
      throw new SimulatedTimeout(timeout);
    }
    const clock = this.driver.clock;
    const deadline = clock.now() + waitMs * NS_PER_MS;
    for (;;) {
      const got = this.broker.receive(this.source, this.id, max, this.options.mode);
      const remaining = (deadline - clock.now()) / NS_PER_MS;
      if (got.length > 0 || remaining <= 0) {
        await this.driver.hop();
        if (timeout === "lost-reply") throw new SimulatedTimeout(timeout);
        return got;
      }
      await this.broker.waitForMessages(this.source, remaining);
    }
  }

  settle(delivery: Delivery, outcome: SettleOutcome, options?: { reason?: string; description?: string }): Promise<void> {
    this.assertAlive();
    return this.driver.clientCall(() =>
      this.broker.settle(delivery.entity, delivery.lockToken ?? "", outcome, options?.reason, options?.description),
    );
  }

  renew(delivery: Delivery): Promise<number> {
    this.assertAlive();
    return this.driver.clientCall(() => this.broker.renew(delivery.entity, delivery.lockToken ?? ""));
  }

  async crash(): Promise<void> {
    this.dead = true; // Service Bus semantics: the locks stay until they expire.
  }

  async close(): Promise<void> {
    this.dead = true;
  }

  private assertAlive(): void {
    if (this.dead) throw new Error(`consumer ${this.id} is closed`);
  }
}
