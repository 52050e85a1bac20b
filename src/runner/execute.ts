import type { Consumer, Driver } from "../core/driver.js";
import type { Delivery, SentMessage, SettleOutcome } from "../core/history.js";
import type { ConsumerAction, ConsumerPlan, ProducerPlan, Scenario } from "../core/scenario.js";
import type { Claims, SetupValue } from "../core/setup.js";
import { copiesOf } from "../core/entities.js";
import { settingMismatches } from "./read-back.js";
import { NS_PER_MS } from "../core/clock.js";
import { ProcessId, type Recorder } from "../history/recorder.js";
import { recordOp } from "./op.js";
import { Nemesis } from "./nemesis.js";
import type { FaultInjector } from "../core/faults.js";
import type { StartedBlobStore } from "../core/blob-store.js";
import { realClock } from "../core/clock.js";
import { ClaimCheckStage } from "./claim-check.js";

/** Longest a consumer waits in one receive, ms. */
const RECEIVE_WAIT_MS = 20;
/** Consumers stop after this many empty receives in a row once producers are done. */
const IDLE_RECEIVES = 3;

export interface ExecuteOptions {
  broker: string;
  claims: Claims;
  checkers: string[];
  clockToleranceMs?: number;
  /** Injector for the scenario's fault windows (none: faults in the scenario are not applied). */
  faults?: FaultInjector;
  /** The blob store of a claim-check scenario (Scenario.claimCheck); required by one. */
  store?: StartedBlobStore;
}

/**
 * Run one scenario against a driver and record everything in `recorder`: setup, producers and
 * consumers concurrently, then a final drain of every entity and dead-letter queue. Broker
 * failures become fail/info ops; nothing the broker does throws out of here.
 */
export async function executeScenario(scenario: Scenario, driver: Driver, recorder: Recorder, options: ExecuteOptions): Promise<void> {
  const clock = driver.clock;
  const setup: SetupValue = {
    broker: options.broker,
    suite: scenario.suite,
    seed: scenario.seed,
    entities: scenario.entities,
    locksReleasedOnCrash: driver.locksReleasedOnCrash,
    ...(driver.sessionLocksReleasedOnCrash ? { sessionLocksReleasedOnCrash: true } : {}),
    ...(driver.atomicBatches ? { atomicBatches: true } : {}),
    clockToleranceMs: options.clockToleranceMs ?? driver.clockToleranceMs ?? 0,
    claims: options.claims,
    checkers: options.checkers,
    ...(scenario.claimCheck ? { claimCheck: { thresholdBytes: scenario.claimCheck.thresholdBytes, cleanupWindowMs: scenario.claimCheck.cleanupWindowMs, store: options.store?.label ?? "none" } } : {}),
  };
  if (scenario.claimCheck && !options.store) throw new Error("a claim-check scenario needs a blob store (run it through gauntlet run, which starts one: --store)");
  const provision = async () => {
    await driver.provision(scenario.entities);
    return driver.describe ? await driver.describe() : undefined;
  };
  const completion = (described: SetupValue["described"]) => (described ? { ...setup, described } : setup);
  const setupOutcome = await recordOp(recorder, new ProcessId("setup"), "setup", setup, provision, { clock, completion });
  if (setupOutcome.type !== "ok") return;
  const changed = setupOutcome.result ? settingMismatches(scenario.entities, setupOutcome.result) : [];
  if (changed.length) throw new Error(`the broker did not keep declared settings: ${changed.join("; ")}`);

  driver.onEvent?.((event) => recorder.complete(recorder.invoke("broker", event.f, event.value), "ok", event.value));
  const deadline = clock.now() + scenario.durationMs * NS_PER_MS;
  const state = { producersDone: false, deadline };
  const nemesis = options.faults && scenario.faults?.length ? new Nemesis(scenario.faults, options.faults, recorder, clock) : undefined;
  const claims = await claimCheckStage(scenario, options.store, recorder);
  // The store is real even under a virtual broker clock: its fault windows run on the real clock.
  const storeFaults = claims && options.store?.faults && scenario.claimCheck?.storeFaults?.length ? new Nemesis(scenario.claimCheck.storeFaults, options.store.faults, recorder, realClock(), "store") : undefined;
  const producing = Promise.all(scenario.producers.map((p) => runProducer(p, driver, recorder, claims)));
  const consuming = Promise.all(scenario.consumers.map((c) => runConsumer(c, driver, recorder, state, claims)));
  try {
    // Wait for every client loop even when one fails, so none outlives the scenario.
    const produced = await Promise.allSettled([producing]);
    state.producersDone = true;
    const consumed = await Promise.allSettled([consuming]);
    for (const r of [...produced, ...consumed]) if (r.status === "rejected") throw r.reason;
  } finally {
    await nemesis?.finish();
    await storeFaults?.finish();
  }
  await drainAll(scenario, driver, recorder, claims);
  await claims?.finish();
}

/** The claim-check stage of a scenario that has one, on an emptied store. */
async function claimCheckStage(scenario: Scenario, store: StartedBlobStore | undefined, recorder: Recorder): Promise<ClaimCheckStage | undefined> {
  if (!scenario.claimCheck || !store) return undefined;
  await store.store.clear();
  const targets = new Map(scenario.producers.flatMap((p) => p.sends.flatMap((s) => s.messages.map((m) => [m.id, p.target] as const))));
  return new ClaimCheckStage(scenario.claimCheck, store.store, recorder, scenario.entities, targets);
}

async function runProducer(plan: ProducerPlan, driver: Driver, recorder: Recorder, claims?: ClaimCheckStage): Promise<void> {
  const clock = driver.clock;
  const process = new ProcessId(plan.name);
  // Opening a client can fail under faults too; keep trying as a real producer would.
  const opened = await openWithRetry(() => driver.producer(), clock, clock.now() + 30_000 * NS_PER_MS);
  if (!opened) return;
  let producer = opened;
  const send = async (value: { target: string; messages: SentMessage[]; retry?: boolean }) => {
    const outcome = await recordOp(recorder, process, "send", value, () => producer.send(plan.target, value.messages), {
      clock,
      // Where the broker stored each message, when the driver says (Kafka: partition and offset).
      completion: (stored) => (stored ? { ...value, messages: value.messages.map((m, i) => (stored[i] ? { ...m, partition: stored[i].partition, offset: stored[i].offset } : m)) } : value),
      // The node that served it, where the client tells: the one that acknowledged the first message, else the client's.
      node: (stored) => (stored ? stored[0]?.node : undefined) ?? producer.node?.(),
    });
    if (outcome.type !== "fail") claims?.noteSent(value.messages);
    if (outcome.type === "info") {
      const fresh = await reconnect(producer, () => driver.producer(), clock, Infinity);
      if (fresh) producer = fresh;
    }
    return outcome;
  };
  try {
    for (const step of plan.sends) {
      if (step.delayMs > 0) await clock.sleep(step.delayMs);
      let messages = step.messages;
      if (claims) {
        messages = await claims.prepare(process, step.messages);
        if (claims.crashesAfterUpload(step.messages)) {
          // Crash between upload and send: the restarted producer uploads again (new references) and sends.
          await crashProducer(producer, process, recorder);
          producer = (await openWithRetry(() => driver.producer(), clock, clock.now() + 30_000 * NS_PER_MS)) ?? producer;
          messages = await claims.prepare(process, step.messages);
        }
        if (messages.length === 0) continue;
      }
      const value = { target: plan.target, messages };
      const first = await send(value);
      // An indeterminate send is retried once with the same ids, as a careful producer would.
      if (step.resend || first.type === "info") await send({ ...value, retry: true });
    }
    // Claim-check: send these once more after their payload was deleted (a late duplicate).
    const mine = (claims?.plan.resendAfterDelete ?? []).filter((id) => plan.sends.some((s) => s.messages.some((m) => m.id === id)));
    if (claims && mine.length) for (const m of await claims.deletedMessages(mine, 10_000)) await send({ target: plan.target, messages: [m], retry: true });
  } finally {
    await producer.close().catch(() => {});
  }
}

async function crashProducer(producer: { close(): Promise<void> }, process: ProcessId, recorder: Recorder): Promise<void> {
  const value = { reason: "producer crash after uploading a payload, before sending its reference" };
  const pending = recorder.invoke(process.current, "crash", value);
  await producer.close().catch(() => {});
  recorder.complete(pending, "info", value);
  process.renew();
}

interface RunState {
  producersDone: boolean;
  deadline: number;
}

async function runConsumer(plan: ConsumerPlan, driver: Driver, recorder: Recorder, state: RunState, claims?: ClaimCheckStage): Promise<void> {
  const clock = driver.clock;
  const process = new ProcessId(plan.name);
  if (plan.startDelayMs > 0) await clock.sleep(plan.startDelayMs);
  const opened = await openWithRetry(() => driver.consumer(plan.source, { mode: plan.mode }), clock, state.deadline);
  if (!opened) return;
  let consumer: Consumer = opened;
  let handled = 0;
  let idle = 0;
  // Claim-check: the store is real even under a virtual clock, so consumers outlast producers still waiting on it.
  while (clock.now() < state.deadline || (claims && !state.producersDone)) {
    const got = await recordOp(
      recorder,
      process,
      "receive",
      { source: plan.source, mode: plan.mode },
      () => consumer.receive(plan.batch, RECEIVE_WAIT_MS),
      { clock, completion: (deliveries) => ({ source: plan.source, mode: plan.mode, deliveries }), node: () => consumer.node?.() },
    );
    if (got.type !== "ok") {
      // The client may be broken (connection reset, channel closed): continue on a fresh one.
      const fresh = await reconnect(consumer, () => driver.consumer(plan.source, { mode: plan.mode }), clock, state.deadline);
      if (!fresh) break;
      consumer = fresh;
      continue;
    }
    const deliveries = got.result;
    if (deliveries.length === 0) {
      idle = state.producersDone ? idle + 1 : 0;
      if (idle >= IDLE_RECEIVES) break;
      continue;
    }
    idle = 0;
    // Claim-check: hydrate before handling, so a crash action is a crash after hydration, before the ack.
    if (claims && plan.mode === "peek-lock") await claims.hydrate(process, deliveries);
    for (const delivery of deliveries) {
      const action: ConsumerAction = plan.actions[handled++] ?? { kind: "complete", handleMs: 0 };
      if (plan.mode === "receive-and-delete") {
        if (action.kind === "crash") {
          // The broker deleted these on receipt; dying now loses them: at-most-once, on the record.
          const unprocessed = deliveries.slice(deliveries.indexOf(delivery)).map((d) => d.id);
          const fresh = await crashAndRestart(consumer, process, recorder, driver, plan, action.restartMs, unprocessed);
          if (!fresh) return; // no client could be opened again before the deadline
          consumer = fresh;
          break;
        }
        continue;
      }
      if (action.kind === "crash") {
        if (action.handleMs > 0) await clock.sleep(action.handleMs);
        const fresh = await crashAndRestart(consumer, process, recorder, driver, plan, action.restartMs);
        if (!fresh) return;
        consumer = fresh;
        break; // the rest of the batch dies with the client
      }
      const settled = await handle(consumer, delivery, action, process, recorder, driver);
      if (settled === "complete") await claims?.copySettled(process, delivery);
    }
  }
  await consumer.close().catch(() => {});
}

async function handle(
  consumer: Consumer,
  delivery: Delivery,
  action: Exclude<ConsumerAction, { kind: "crash" }>,
  process: ProcessId,
  recorder: Recorder,
  driver: Driver,
): Promise<SettleOutcome | undefined> {
  const { clock, capabilities } = driver;
  if (action.kind === "renew") {
    let spent = 0;
    while (spent + action.renewEveryMs < action.handleMs) {
      await clock.sleep(action.renewEveryMs);
      spent += action.renewEveryMs;
      const value = { id: delivery.id, entity: delivery.entity, lockToken: delivery.lockToken };
      const renewed = await recordOp(recorder, process, "renew", value, () => consumer.renew(delivery), {
        clock,
        completion: (lockedUntil) => ({ ...value, lockedUntil }),
      });
      if (renewed.type !== "ok") break;
    }
    await clock.sleep(Math.max(0, action.handleMs - spent));
  } else if (action.handleMs > 0) {
    await clock.sleep(action.handleMs);
  }
  const outcome: SettleOutcome =
    action.kind === "abandon" ? "abandon" : action.kind === "dead-letter" ? "dead-letter" : action.kind === "defer" ? "defer" : "complete";
  // A broker that cannot carry a dead-letter reason (RabbitMQ's reject) gets none, so no reason is claimed.
  const reason = action.kind === "dead-letter" && capabilities.has("dead-letter-reason") ? action.reason : undefined;
  const value = { outcome, id: delivery.id, entity: delivery.entity, lockToken: delivery.lockToken, ...(reason ? { reason } : {}) };
  const settled = await recordOp(recorder, process, "settle", value, () => consumer.settle(delivery, outcome, reason ? { reason } : undefined), { clock, node: () => consumer.node?.() });
  return settled.type === "ok" ? outcome : undefined;
}

async function crashAndRestart(
  consumer: Consumer,
  process: ProcessId,
  recorder: Recorder,
  driver: Driver,
  plan: ConsumerPlan,
  restartMs: number,
  unprocessed?: string[],
): Promise<Consumer | undefined> {
  const value = { reason: "client crash before settling", ...(unprocessed?.length ? { unprocessed } : {}) };
  const pending = recorder.invoke(process.current, "crash", value);
  await consumer.crash().catch(() => {});
  recorder.complete(pending, "info", value);
  process.renew();
  if (restartMs > 0) await driver.clock.sleep(restartMs);
  return openWithRetry(() => driver.consumer(plan.source, { mode: plan.mode }), driver.clock, driver.clock.now() + 30_000 * NS_PER_MS);
}

/** Close a client that may be broken and open a new one; retries until `deadline` (ns on the clock). */
async function reconnect<T extends { close(): Promise<void> }>(old: T, open: () => Promise<T>, clock: Driver["clock"], deadline: number): Promise<T | undefined> {
  await old.close().catch(() => {});
  return openWithRetry(open, clock, deadline);
}

async function openWithRetry<T>(open: () => Promise<T>, clock: Driver["clock"], deadline: number): Promise<T | undefined> {
  for (let attempt = 0; clock.now() < deadline && attempt < 20; attempt++) {
    try {
      return await open();
    } catch {
      await clock.sleep(Math.min(1_000, 50 * 2 ** attempt));
    }
  }
  return undefined;
}

/** Final drain: empty every entity and its DLQ, waiting out locks held by crashed clients. */
async function drainAll(scenario: Scenario, driver: Driver, recorder: Recorder, claims?: ClaimCheckStage): Promise<void> {
  const clock = driver.clock;
  const process = new ProcessId("drain");
  const addresses = new Set<string>();
  // A plan's scenario creates all of the user's entities but sends to one: only its copies can hold messages.
  const sent = scenario.settingsAsDeclared ? scenario.entities.filter((e) => scenario.producers.some((p) => p.target === e.name)) : scenario.entities;
  for (const e of sent) for (const a of copiesOf(e.name, scenario.entities)) addresses.add(a);
  const maxWaitMs = Math.max(...sent.flatMap(lockDurations), 0) * 2 + 100;
  for (const source of addresses) {
    for (const dlq of [false, true]) {
      const drained = await recordOp(
        recorder,
        process,
        "drain",
        { source, dlq },
        () => driver.drain(source, { dlq, maxWaitMs }),
        { clock, timeoutMs: maxWaitMs + 30_000, completion: (deliveries) => ({ source, dlq, deliveries }) },
      );
      // Drained copies are consumed too: hydrate them, then they count as settled.
      if (claims && drained.type === "ok") await claims.hydrate(process, drained.result, true);
    }
  }
}

function lockDurations(e: Scenario["entities"][number]): number[] {
  if (e.kind === "queue") return [e.lockDurationMs ?? 30_000];
  return e.subscriptions.map((s) => s.lockDurationMs ?? 30_000);
}
