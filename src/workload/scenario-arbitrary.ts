import fc from "fast-check";
import type { EntitySpec } from "../core/entities.js";
import { copiesOf } from "../core/entities.js";
import type { ConsumerPlan, ProducerPlan, Scenario, SendStep } from "../core/scenario.js";
import { type ActionWeights, actionArbitrary } from "./actions.js";

/** Shape of a generated workload; suites pick these. */
export interface WorkloadOptions {
  suite: string;
  /** Candidate topologies; one is picked per scenario. */
  topologies: EntitySpec[][];
  /** Size of the key pool (0: messages carry no key). */
  keys: number;
  producers: { min: number; max: number };
  sendsPerProducer: { min: number; max: number };
  /** Largest batch per send (1: single sends only). */
  maxBatch: number;
  /** Probability-like weight (0–1) that a send is re-sent (producer retry). */
  resendRate?: number;
  consumersPerSource: { min: number; max: number };
  receiveBatch: { min: number; max: number };
  actions: ActionWeights;
  /** Actions generated per consumer (later deliveries are completed). */
  actionsPerConsumer: number;
  /** Weight of receive-and-delete consumers, 0–1 (default 0: all peek-lock). */
  receiveAndDeleteRate?: number;
  durationMs: number;
  /** Pause before each send, ms (default 0–3): slow producers keep sending through a fault window. */
  sendDelayMs?: { min: number; max: number };
  /** Send only to these entities (default: every entity of the topology; the others are still created). */
  targets?: string[];
  /** Action durations scale with this instead of the shortest lock (a plan's long locks with lock-independent actions). */
  actionScaleMs?: number;
  /** Consumers of only these sources get the generated actions; the others complete what they get (default: all). */
  actionSources?: string[];
  /** Entity settings are a user's: not stretched by a driver's time scale (Scenario.settingsAsDeclared). */
  settingsAsDeclared?: boolean;
}

/** The fast-check arbitrary of concrete scenarios for a workload. Pure: no I/O. */
export function scenarioArbitrary(options: WorkloadOptions): fc.Arbitrary<Scenario> {
  return fc
    .constantFrom(...options.topologies)
    .chain((entities) => {
      const targets = options.targets ?? entities.map((e) => e.name);
      const sources = [...new Set(targets.flatMap((t) => copiesOf(t, entities)))];
      const lockMs = options.actionScaleMs ?? Math.min(...sources.map((s) => lockOf(s, entities)));
      return fc.record({
        seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        entities: fc.constant(entities),
        producers: fc.array(producerArbitrary(options, targets), { minLength: options.producers.min, maxLength: options.producers.max }),
        consumers: fc.tuple(
          ...sources.map((source) =>
            fc.array(consumerArbitrary(options, source, lockMs), {
              minLength: options.consumersPerSource.min,
              maxLength: options.consumersPerSource.max,
            }),
          ),
        ),
      });
    })
    .map(({ seed, entities, producers, consumers }) => finish(options, seed, entities, producers, consumers.flat()));
}

type RawProducer = { target: string; sends: { delayMs: number; messages: { key?: string; size: number }[]; resend: boolean }[] };
type RawConsumer = Omit<ConsumerPlan, "name" | "source"> & { source: string };

function producerArbitrary(options: WorkloadOptions, targets: string[]): fc.Arbitrary<RawProducer> {
  const message = fc.record({
    key: options.keys > 0 ? fc.integer({ min: 0, max: options.keys - 1 }).map((k) => `k${k}`) : fc.constant(undefined),
    size: fc.integer({ min: 0, max: 2048 }),
  });
  const resendRate = options.resendRate ?? 0;
  const send = fc.record({
    delayMs: fc.integer(options.sendDelayMs ?? { min: 0, max: 3 }),
    messages: fc.array(message, { minLength: 1, maxLength: options.maxBatch }),
    resend: resendRate > 0 ? fc.integer({ min: 0, max: 99 }).map((n) => n < resendRate * 100) : fc.constant(false),
  });
  return fc.record({
    target: fc.constantFrom(...targets),
    sends: fc.array(send, { minLength: options.sendsPerProducer.min, maxLength: options.sendsPerProducer.max }),
  });
}

function consumerArbitrary(options: WorkloadOptions, source: string, lockMs: number): fc.Arbitrary<RawConsumer> {
  const rad = options.receiveAndDeleteRate ?? 0;
  return fc.record({
    source: fc.constant(source),
    mode: rad > 0 ? fc.integer({ min: 0, max: 99 }).map((n) => (n < rad * 100 ? "receive-and-delete" : "peek-lock") as ConsumerPlan["mode"]) : fc.constant("peek-lock" as const),
    batch: fc.integer({ min: options.receiveBatch.min, max: options.receiveBatch.max }),
    actions: options.actionSources && !options.actionSources.includes(source) ? fc.constant([]) : fc.array(actionArbitrary(options.actions, lockMs), { maxLength: options.actionsPerConsumer }),
    startDelayMs: fc.integer({ min: 0, max: 5 }),
  });
}

/** Name clients and give every message a unique id, so shrinking never breaks uniqueness. */
function finish(options: WorkloadOptions, seed: number, entities: EntitySpec[], producers: RawProducer[], consumers: RawConsumer[]): Scenario {
  let nextId = 0;
  const producerPlans: ProducerPlan[] = producers.map((p, i) => ({
    name: `p${i + 1}`,
    target: p.target,
    sends: p.sends.map(
      (s): SendStep => ({
        delayMs: s.delayMs,
        messages: s.messages.map((m) => ({ id: `m${++nextId}`, ...(m.key !== undefined ? { key: m.key } : {}), size: m.size })),
        ...(s.resend ? { resend: true } : {}),
      }),
    ),
  }));
  const consumerPlans: ConsumerPlan[] = consumers.map((c, i) => ({ name: `c${i + 1}`, ...c }));
  return { version: 1, suite: options.suite, seed, entities, producers: producerPlans, consumers: consumerPlans, durationMs: options.durationMs, ...(options.settingsAsDeclared ? { settingsAsDeclared: true } : {}) };
}

function lockOf(address: string, entities: EntitySpec[]): number {
  for (const e of entities) {
    if (e.kind === "queue" && e.name === address) return e.lockDurationMs ?? 30_000;
    if (e.kind === "topic") for (const s of e.subscriptions) if (`${e.name}/${s.name}` === address) return s.lockDurationMs ?? 30_000;
  }
  return 30_000;
}
