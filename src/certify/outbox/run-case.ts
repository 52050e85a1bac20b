import type pg from "pg";
import { UsageError, describeError } from "../../core/errors.js";
import { formatTimeout } from "../handler.js";
import type { OutboxModule, Publish } from "./contract.js";
import type { OutboxCase, RelayCrash } from "./case.js";
import { describeStep } from "./case.js";
import type { OutboxOutcome } from "./check.js";
import { GauntletConnection, never } from "./db.js";

/** Where the case runs: the database, an admin connection (to kill backends), the module and its limits. */
export interface OutboxEnv {
  url: string;
  admin: pg.Client;
  module: OutboxModule;
  path: string;
  timeoutMs: number;
}

/** Relay passes the drain makes at most, each until one publishes nothing. */
const DRAIN_PASSES = 5;

/** Run one case on a reset database: its writes and relay passes with their crashes, then the drain. */
export async function runOutboxCase(env: OutboxEnv, c: OutboxCase): Promise<{ outcome: OutboxOutcome; trace: string[] }> {
  const outcome: OutboxOutcome = { committed: [], rolledBack: [], published: [], crashed: [] };
  const trace: string[] = [];
  const setup = await GauntletConnection.open(env.url, env.admin);
  try {
    await within(env, "reset()", async () => env.module.reset(setup));
  } finally {
    await setup.close();
  }
  const writer = await GauntletConnection.open(env.url, env.admin);
  let next = 0;
  let passes = 0;
  const record = (by: string): Publish => async (event) => {
    if (typeof event?.orderId !== "string") throw new UsageError(`outbox module ${env.path}: published an event without a string orderId: ${JSON.stringify(event)}`, "every published event carries the orderId of the order it is for");
    outcome.published.push({ orderId: event.orderId, by });
  };
  const write = async (rollback: boolean): Promise<string> => {
    const order = c.orders[next++];
    if (!order) return "no order left to write";
    writer.failCommit = rollback;
    writer.rolledBack = false;
    let error: unknown;
    await within(env, `placeOrder() of ${order.id}`, async () => env.module.placeOrder(writer, order, record(`the writer of ${order.id}`))).catch((err) => {
      if (err instanceof UsageError) throw err;
      error = err;
    });
    writer.failCommit = false;
    if (error !== undefined && !writer.rolledBack) throw new UsageError(`outbox module ${env.path}: placeOrder() of ${order.id} threw: ${describeError(error)}`, "placeOrder() must succeed unless its COMMIT fails");
    if (writer.rolledBack) outcome.rolledBack.push(order.id);
    else outcome.committed.push({ id: order.id, aggregate: order.aggregate });
    return `${order.id} (${order.aggregate}, amount ${order.amount}) ${writer.rolledBack ? "rolled back" : "committed"}`;
  };
  const open = () => GauntletConnection.open(env.url, env.admin);
  const relay = async (crash?: RelayCrash, opened?: Awaited<ReturnType<typeof open>>): Promise<{ label: string; count: number; crashed: boolean }> => {
    const label = `relay pass ${++passes}`;
    const conn = opened ?? (await open());
    let count = 0;
    let crashNow!: () => void;
    const crashed = new Promise<void>((r) => (crashNow = r));
    const store = record(label);
    const publish: Publish = async (event) => {
      if (conn.crashed) return never();
      count += 1;
      await new Promise((r) => setImmediate(r)); // the broker round trip: another relay may run meanwhile
      if (crash && count === crash.at) {
        if (crash.kind === "after-publish") await store(event);
        await conn.crash();
        outcome.crashed.push(label);
        crashNow();
        return never();
      }
      await store(event);
    };
    await within(env, `relay() (${label})`, async () => env.module.relay(conn, publish), crashed).catch((err) => {
      if (err instanceof UsageError) throw err;
      throw new UsageError(`outbox module ${env.path}: relay() threw: ${describeError(err)}`, "a relay pass must not throw (Gauntlet crashes it instead)");
    });
    if (!conn.crashed) await conn.close();
    return { label, count, crashed: conn.crashed };
  };
  const show = (r: { label: string; count: number; crashed: boolean }) => `${r.label}: ${r.crashed ? `crashed at publish ${r.count}` : `published ${r.count}`}`;
  try {
    for (const [i, step] of c.steps.entries()) {
      if (step.op === "write") trace.push(`${i + 1}. ${describeStep(step)}: ${await write(step.rollback)}`);
      else if (step.op === "relay") trace.push(`${i + 1}. ${describeStep(step)}: ${show(await relay(step.crash))}`);
      else {
        // Both connections open before either relay starts: otherwise the one whose connect
        // finished first could complete its pass before the other's SELECT, and "two relays at
        // once" would run one after the other (CI once certified a relay with no lock, 100 of 100).
        const [a, b] = await Promise.all([open(), open()]);
        trace.push(`${i + 1}. ${describeStep(step)}: ${(await Promise.all([relay(step.crash, a), relay(undefined, b)])).map(show).join("; ")}`);
      }
    }
    while (next < c.orders.length) trace.push(`then write: ${await write(false)}`);
    for (let i = 0; i < DRAIN_PASSES; i++) {
      const r = await relay();
      trace.push(`drain, ${show(r)}`);
      if (r.count === 0) break;
    }
  } finally {
    await writer.close();
  }
  return { outcome, trace };
}

/** Call into the module with the real-time limit: a call that never returns is a bad module (exit 3). */
async function within<T>(env: OutboxEnv, what: string, fn: () => Promise<T>, stop?: Promise<void>): Promise<T | void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new UsageError(`outbox module ${env.path}: ${what} did not return within ${formatTimeout(env.timeoutMs)}`, "every call must return; a relay pass publishes what is pending and returns (raise --timeout if it is legitimately slow)")), env.timeoutMs);
  });
  const call = fn();
  call.catch(() => {}); // a crashed relay's call may reject later; nobody waits for it
  try {
    return await Promise.race(stop ? [call, timeout, stop] : [call, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
