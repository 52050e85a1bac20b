import type { BenchClient } from "../core/bench-client.js";
import type { CellRecorder } from "./measure/recorder.js";
import { Semaphore } from "./measure/semaphore.js";
import type { CellSpec, SendMode } from "./types.js";

/** What each send mode means, in the words the report and docs use. */
export const MODE_INFO: Record<SendMode, { label: (n: number) => string; meaning: string }> = {
  sequential: { label: () => "sequential", meaning: "each send awaited before the next: one round trip per message" },
  pipelined: { label: (n) => `pipelined(maxInFlight=${n})`, meaning: "sends overlap, at most N unacknowledged at once (a semaphore)" },
  batched: { label: (n) => `batched(size=${n})`, meaning: "N messages per SDK batch call, awaited before the next batch" },
  "fire-and-forget": {
    label: () => "fire-and-forget (anti-pattern)",
    meaning: "sends never awaited: the application cannot know which were acknowledged, and losses are invisible to it; measured only to show this, never ranked",
  },
};

/** Fire-and-forget still may not exhaust the host: Gauntlet stops issuing past this many unacked. */
export const FIRE_AND_FORGET_CAP = 10_000;

/**
 * A mode's sending strategy. The cell loop waits for `ready()` (a free slot), stamps the actual
 * send time, builds `unit` payloads and calls `send`; `settle` waits for outstanding acks.
 */
export interface Sender {
  unit: number;
  ready(): Promise<void> | undefined;
  send(payloads: Buffer[], basesNs: number[], measured: boolean): Promise<void> | undefined;
  /** Resolves true when nothing is outstanding, false after `timeoutMs`. */
  settle(timeoutMs: number): Promise<boolean>;
}

export function createSender(spec: CellSpec, client: BenchClient, rec: CellRecorder): Sender {
  const one = (payload: Buffer, base: number, measured: boolean): Promise<void> =>
    client.sendOne(payload).then(
      () => rec.onAck(base, measured),
      (err: unknown) => rec.onError(err, 1, measured),
    );
  switch (spec.mode) {
    case "sequential":
      return { unit: 1, ready: () => undefined, send: (p, b, m) => one(p[0]!, b[0]!, m), settle: async () => true };
    case "batched":
      return {
        unit: spec.n,
        ready: () => undefined,
        send: (payloads, bases, measured) =>
          client.sendBatch(payloads).then(
            () => bases.forEach((b) => rec.onAck(b, measured)),
            (err: unknown) => rec.onError(err, payloads.length, measured),
          ),
        settle: async () => true,
      };
    case "pipelined":
      return bounded(spec.n, one);
    case "fire-and-forget":
      return bounded(FIRE_AND_FORGET_CAP, one);
  }
}

/** Sends not awaited by the loop; a semaphore bounds how many are outstanding (waiting for a slot counts as publish delay). */
function bounded(limit: number, one: (payload: Buffer, base: number, measured: boolean) => Promise<void>): Sender {
  const sem = new Semaphore(limit);
  return {
    unit: 1,
    // ready() takes the slot the following send() uses and releases on its ack.
    ready: () => sem.acquire(),
    send: (p, b, m) => {
      void one(p[0]!, b[0]!, m).finally(() => sem.release());
      return undefined;
    },
    settle: (timeoutMs) => withTimeout(sem.idle().then(() => true), timeoutMs, false),
  };
}

function withTimeout<T>(work: Promise<T>, ms: number, fallback: T): Promise<T> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(fallback), ms);
    void work.then((v) => (clearTimeout(timer), resolve(v)));
  });
}
