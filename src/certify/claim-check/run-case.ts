import { createHash } from "node:crypto";
import { UsageError, describeError } from "../../core/errors.js";
import { formatTimeout } from "../handler.js";
import { never } from "../outbox/db.js";
import { type ClaimCheckCase, MAX_MESSAGE_BYTES, payload, subscriptionNames } from "./case.js";
import type { ClaimCheckOutcome } from "./check.js";
import type { ClaimCheckModule } from "./contract.js";
import type { BlobStore } from "./store.js";

/** The store, the module and its limits. */
export interface ClaimCheckEnv {
  store: BlobStore & { clear(): Promise<void> };
  module: ClaimCheckModule;
  path: string;
  timeoutMs: number;
}

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex").slice(0, 12);

/**
 * Run one case on an emptied store: every producer sends (a crashing one dies after its first
 * call), consumers drain each subscription, crashed producers retry, consumers drain again,
 * then cleanup() runs and the store is listed.
 */
export async function runClaimCheckCase(env: ClaimCheckEnv, c: ClaimCheckCase): Promise<{ outcome: ClaimCheckOutcome; trace: string[] }> {
  await env.store.clear();
  const subs = subscriptionNames(c.subscriptions);
  const outcome: ClaimCheckOutcome = { published: [], deliveries: [], leftInStore: [] };
  const trace: string[] = [];
  const queues = new Map(subs.map((s) => [s, [] as { id: string; envelope: unknown; count: number }[]]));
  const crashes = new Set(c.crashBeforeAck.map((x) => `s${x.subscription + 1}/m${x.message + 1}`));

  const send = async (m: ClaimCheckCase["messages"][number], crash: boolean): Promise<void> => {
    let calls = 0;
    let dead = false;
    let die!: () => void;
    const died = new Promise<void>((r) => (die = r));
    const after = async <T>(what: string, op: () => Promise<T>): Promise<T> => {
      if (dead) return never();
      const r = await op();
      calls += 1;
      if (crash && calls === 1) {
        dead = true;
        trace.push(`producer of ${m.id} crashed right after its first call (${what})`);
        die();
        return never();
      }
      return r;
    };
    const store: BlobStore = {
      upload: (name, bytes) => after(`upload ${name}`, () => env.store.upload(name, bytes)),
      download: (name) => after(`download ${name}`, () => env.store.download(name)),
      delete: (name) => after(`delete ${name}`, () => env.store.delete(name)),
      list: () => after("list", () => env.store.list()),
    };
    const publish = (envelope: unknown) =>
      after("publish", async () => {
        const json = JSON.stringify(envelope);
        if (json === undefined) throw new UsageError(`claim-check module ${env.path}: published an envelope that is not JSON`, "publish a plain JSON envelope (a reference or the payload inline)");
        outcome.published.push({ id: m.id, bytes: Buffer.byteLength(json) });
        for (const q of queues.values()) q.push({ id: m.id, envelope: JSON.parse(json), count: 0 });
      });
    await within(env, `send() of ${m.id}`, async () => env.module.send({ id: m.id, body: payload(m.id, m.size) }, { store, publish, maxMessageBytes: MAX_MESSAGE_BYTES }), died).catch((err) => {
      if (err instanceof UsageError) throw err;
      throw new UsageError(`claim-check module ${env.path}: send() of ${m.id} threw: ${describeError(err)}`, "send() must succeed when the store and the broker do");
    });
    if (!dead) trace.push(`${m.id} sent (${calls} call${calls === 1 ? "" : "s"})`);
  };

  const drain = async (): Promise<void> => {
    for (let progressed = true; progressed; ) {
      progressed = false;
      for (const sub of subs) {
        const next = queues.get(sub)!.shift();
        if (!next) continue;
        progressed = true;
        next.count += 1;
        const id = next.id;
        const expected = payload(id, c.messages.find((m) => m.id === id)!.size);
        let result: ClaimCheckOutcome["deliveries"][number]["result"] = "exact";
        let detail: string | undefined;
        try {
          const bytes = await within(env, `receive() of ${id} on ${sub}`, async () => env.module.receive(structuredClone(next.envelope), { store: env.store, subscription: sub, subscriptions: subs, deliveryCount: next.count }));
          if (!(bytes instanceof Uint8Array)) throw new UsageError(`claim-check module ${env.path}: receive() returned ${typeof bytes}, not the payload's bytes`, "return a Uint8Array or Buffer of the payload");
          if (Buffer.compare(Buffer.from(bytes), Buffer.from(expected)) !== 0) [result, detail] = ["wrong bytes", `sha256 ${sha(bytes)}… (${bytes.length} bytes), sent ${sha(expected)}… (${expected.length} bytes)`];
        } catch (err) {
          if (err instanceof UsageError) throw err;
          [result, detail] = (err as { code?: string }).code === "BlobNotFound" ? ["not found", describeError(err)] : ["error", describeError(err)];
        }
        outcome.deliveries.push({ subscription: sub, id, count: next.count, result, ...(detail ? { detail } : {}) });
        const crashed = result === "exact" && crashes.delete(`${sub}/${id}`);
        trace.push(`${sub} received ${id} (delivery ${next.count}): ${result === "exact" ? "exact bytes" : result}${crashed ? "; consumer crashed before the ack, redelivered later" : result === "exact" ? ", acked" : ", dead-lettered"}`);
        if (crashed) queues.get(sub)!.push(next);
      }
    }
  };

  for (const m of c.messages) await send(m, m.producerCrash);
  await drain();
  for (const m of c.messages.filter((x) => x.producerCrash)) {
    trace.push(`producer of ${m.id} restarts and sends it again`);
    await send(m, false);
  }
  await drain();
  if (env.module.cleanup) await within(env, "cleanup()", async () => env.module.cleanup!({ store: env.store, subscriptions: subs }));
  outcome.leftInStore = await env.store.list();
  trace.push(`cleanup window passed${env.module.cleanup ? ", cleanup() ran" : " (no cleanup() exported)"}; store holds: ${outcome.leftInStore.join(", ") || "nothing"}`);
  return { outcome, trace };
}

async function within<T>(env: ClaimCheckEnv, what: string, fn: () => Promise<T>, stop?: Promise<void>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new UsageError(`claim-check module ${env.path}: ${what} did not return within ${formatTimeout(env.timeoutMs)}`, "every call must return (raise --timeout if the store is legitimately slow)")), env.timeoutMs);
  });
  const call = fn();
  call.catch(() => {});
  try {
    return (await Promise.race(stop ? [call, timeout, stop] : [call, timeout])) as T;
  } finally {
    clearTimeout(timer);
  }
}
