import fc from "fast-check";
import type { ConsumerAction } from "../core/scenario.js";

/** Relative weights of what consumers do with a delivery (0 = never). */
export interface ActionWeights {
  complete: number;
  abandon?: number;
  deadLetter?: number;
  defer?: number;
  /** Crash before settling; a new client starts later. */
  crash?: number;
  /** Handler slower than the lock, no renewal: the settlement should fail with lock lost. */
  slow?: number;
  /** Handler longer than the lock that renews in time. */
  renew?: number;
}

/** One consumer action; durations scale with the entity's lock duration. */
export function actionArbitrary(weights: ActionWeights, lockMs: number): fc.Arbitrary<ConsumerAction> {
  const quick = fc.integer({ min: 0, max: Math.max(1, Math.floor(lockMs / 5)) });
  const options: { weight: number; arbitrary: fc.Arbitrary<ConsumerAction> }[] = [
    { weight: weights.complete, arbitrary: quick.map((handleMs) => ({ kind: "complete" as const, handleMs })) },
  ];
  const add = (weight: number | undefined, arbitrary: fc.Arbitrary<ConsumerAction>) => {
    if (weight && weight > 0) options.push({ weight, arbitrary });
  };
  add(weights.abandon, quick.map((handleMs) => ({ kind: "abandon" as const, handleMs })));
  add(
    weights.deadLetter,
    fc.tuple(quick, fc.constantFrom("invalid-payload", "business-rule", "poison")).map(([handleMs, reason]) => ({
      kind: "dead-letter" as const,
      handleMs,
      reason,
    })),
  );
  add(weights.defer, quick.map((handleMs) => ({ kind: "defer" as const, handleMs })));
  add(
    weights.crash,
    fc.tuple(quick, fc.integer({ min: 0, max: lockMs })).map(([handleMs, restartMs]) => ({ kind: "crash" as const, handleMs, restartMs })),
  );
  add(
    weights.slow,
    fc.integer({ min: Math.ceil(lockMs * 1.2), max: lockMs * 2 }).map((handleMs) => ({ kind: "slow" as const, handleMs })),
  );
  add(
    weights.renew,
    fc.integer({ min: Math.ceil(lockMs * 1.5), max: lockMs * 3 }).map((handleMs) => ({
      kind: "renew" as const,
      handleMs,
      renewEveryMs: Math.max(1, Math.floor(lockMs / 3)),
    })),
  );
  // The first option is what fast-check shrinks towards: a plain, quick completion.
  return fc.oneof(...options);
}
