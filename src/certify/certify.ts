import fc from "fast-check";
import { UsageError } from "../core/errors.js";
import { type CertifyCase, defaultBody, faultCaseArbitrary, scheduleCaseArbitrary } from "./arbitrary.js";
import { runBrokerPlan } from "./broker-run.js";
import { deliveryPlanMechanisms } from "./delivery-plan.js";
import type { LoadedHandler } from "./handler.js";
import { effectsSurviveRestart } from "./durability.js";
import { type Mistake, classifyMistakes } from "./mistakes.js";
import { diffJson, formatDiffEntry, jsonEqual, nonJsonPath } from "./json.js";
import { runReference, runSchedule } from "./run-schedule.js";
import { mechanisms } from "./schedule.js";
import type { CertifyMessage, DiffEntry, Json, ScheduleRun, Semantics } from "./types.js";

/** How deliveries reach the handler: the in-process scheduler, or the embedded broker. */
export type DeliveryMode = "in-process" | "memory";

/** One case run against the handler: the reference snapshot, what the schedule did, and whether they agree. */
export interface CaseRun extends ScheduleRun {
  expected: Json;
  equal: boolean;
  diff: DiffEntry[];
  mechanisms: string[];
  /** Messages whose handle() threw in the reference run before succeeding (redelivered there). */
  referenceRetried?: string[];
  /** The named mistakes behind the difference (set on the final counterexample). */
  mistakes?: Mistake[];
}

/** Run one case: reset, reference (each message once, in order), reset, the schedule or plan, compare. */
export async function runCase(handler: LoadedHandler, c: CertifyCase, semantics: Semantics, mode: DeliveryMode): Promise<CaseRun> {
  await handler.reset();
  const reference = await runReference(handler, c.messages);
  if (!reference.ok) {
    throw new UsageError(
      `handler ${handler.path}: handle() threw on all ${reference.attempts} deliveries of message ${reference.failed} ${JSON.stringify(c.messages.find((m) => m.id === reference.failed)?.body)} in the reference run (each message delivered in order, redelivered after a throw up to the max delivery count): ${reference.error}`,
      "the certifier needs a handler that eventually succeeds on every message (a transient throw is fine); export arbitraryBody(fc) if it expects other bodies",
    );
  }
  await handler.reset();
  const run = mode === "memory" ? await runBrokerPlan(handler, c.messages, c.faults ?? [], semantics) : await runSchedule(handler, c.messages, c.schedule ?? []);
  const diff = diffJson(reference.snapshot, run.actual);
  const used = c.schedule ? mechanisms(c.messages, c.schedule) : deliveryPlanMechanisms(c.faults ?? []);
  return { ...run, expected: reference.snapshot, equal: diff.length === 0, diff, mechanisms: used, ...(reference.retried.length ? { referenceRetried: reference.retried } : {}) };
}

/** What a property run of the certifier found. */
export interface CertifyRun {
  certified: boolean;
  /** Cases executed, including shrink steps. */
  runs: number;
  shrinks: number;
  /** fast-check's path to the counterexample. */
  path?: string;
  /** The minimal failing case and its run. */
  counterexample?: CertifyCase;
  failure?: CaseRun;
  /** Cases whose reference run needed a redelivery (handle() threw on its own): their losses are in the reference too. */
  referenceRetries?: number;
}

/** Options of a property run. */
export interface PropertyOptions {
  runs: number;
  seed: number;
  semantics: Semantics;
  mode: DeliveryMode;
  /** Called after each case: cases so far and whether a failure was found. */
  onProgress?: (executed: number, failed: boolean) => void;
  /** Called as each case starts (preflight, generated, shrink step, final re-run), naming it. */
  onCase?: (label: string, c: CertifyCase) => void;
  /** Start at this generated case instead of the first (fast-check's replay path), to continue a run in a fresh process. */
  startAt?: number;
  /** Check the reference first (default true; a continued run has done so already). */
  preflight?: boolean;
}

/**
 * Property-run the handler: fast-check generates messages and schedules (or fault plans) from the
 * seed; each final snapshot must equal the reference; a failure is shrunk to a minimal case.
 * A bad handler (UsageError, e.g. handle() throws in the reference run) is rethrown, never shrunk.
 */
export async function certifyHandler(handler: LoadedHandler, options: PropertyOptions): Promise<CertifyRun> {
  if (options.preflight !== false) await preflight(handler, options.onCase);
  const startAt = options.startAt ?? 0;
  const body = bodyArbitrary(handler);
  const cases = options.mode === "memory" ? faultCaseArbitrary(body) : scheduleCaseArbitrary(options.semantics, body);
  let fatal: unknown;
  let executed = 0;
  let failed = false;
  let firstFailure = 0;
  let referenceRetries = 0;
  const property = fc.asyncProperty(cases, async (c) => {
    if (fatal) return true;
    options.onCase?.(failed ? `shrink step ${executed - firstFailure + 1}` : `run ${startAt + executed + 1}`, c);
    try {
      const run = await runCase(handler, c, options.semantics, options.mode);
      executed += 1;
      if (!failed && !run.equal) firstFailure = executed;
      if (run.referenceRetried) referenceRetries += 1;
      failed ||= !run.equal;
      options.onProgress?.(executed, failed);
      // One turn of the event loop per case: timers, signals and errors the handler left behind
      // (an unhandled rejection, a throw in a timer) surface now, not after the whole run.
      await new Promise((resolve) => setImmediate(resolve));
      return run.equal;
    } catch (err) {
      // handle() throws are caught as nacks; anything that escapes is a bad handler (GauntletError)
      // or a Gauntlet bug: either stops the run instead of being shrunk into a false counterexample.
      fatal = err;
      return true;
    }
  });
  const details = await fc.check(property, { seed: options.seed, numRuns: options.runs, ...(startAt > 0 ? { path: String(startAt) } : {}) });
  if (fatal) throw fatal;
  if (details.failed && !details.counterexample) throw details.errorInstance;
  const counterexample = details.counterexample?.[0];
  const result: CertifyRun = { certified: !details.failed, runs: executed, shrinks: details.numShrinks, ...(referenceRetries ? { referenceRetries } : {}) };
  if (counterexample) {
    result.counterexample = counterexample;
    options.onCase?.("the minimal counterexample, run again", counterexample);
    const failure = await runCase(handler, counterexample, options.semantics, options.mode);
    const restarts = failure.mechanisms.includes("restart") || failure.mechanisms.includes("crash-before-ack");
    const durable = restarts ? await effectsSurviveRestart(handler, counterexample.messages) : true;
    failure.mistakes = classifyMistakes(failure.expected, failure.actual, { failedAttempts: failure.failedAttempts ?? [], durable });
    result.failure = failure;
    result.path = details.counterexamplePath ?? undefined;
  }
  return result;
}

/** Check the handler before property runs: the reference must succeed and be repeatable. */
async function preflight(handler: LoadedHandler, onCase: PropertyOptions["onCase"]): Promise<void> {
  const sample: CertifyMessage[] = fc
    .sample(bodyArbitrary(handler), { seed: 1, numRuns: 3 })
    .map((body, i) => ({ id: `m${i + 1}`, key: `k${(i % 2) + 1}`, body }));
  onCase?.("preflight (reference runs: each message once, in order)", { messages: sample });
  const outcomes = [];
  for (const m of sample) {
    await handler.reset();
    outcomes.push(await runReference(handler, [m]));
  }
  const failed = outcomes.filter((o) => !o.ok);
  if (failed.length === sample.length) {
    const first = failed[0]!;
    throw new UsageError(
      `handler ${handler.path}: handle() threw on every message it was given (${sample.length} of ${sample.length}), e.g. ${JSON.stringify(sample[0])}: ${first.ok ? "" : first.error}`,
      "a handler must process a message delivered once; nothing can be certified otherwise (export arbitraryBody(fc) if it expects other bodies)",
    );
  }
  await handler.reset();
  const one = await runReference(handler, sample);
  await handler.reset();
  const two = await runReference(handler, sample);
  if (one.ok && two.ok && !jsonEqual(one.snapshot, two.snapshot)) {
    throw new UsageError(
      `handler ${handler.path}: two identical reference runs give different snapshots (${formatDiffEntry(diffJson(one.snapshot, two.snapshot)[0]!)})`,
      "reset() must clear every effect, and snapshot() must leave out timestamps, random ids and other non-deterministic values",
    );
  }
}

/** Bodies from the handler's arbitraryBody(fc), else { amount: 1..9 }. */
function bodyArbitrary(handler: LoadedHandler): fc.Arbitrary<Json> {
  const make = handler.module.arbitraryBody;
  if (!make) return defaultBody;
  const end = handler.trace("arbitraryBody(fc)");
  const arb = make(fc);
  end();
  if (!(arb instanceof fc.Arbitrary)) throw new UsageError(`handler ${handler.path}: arbitraryBody(fc) must return a fast-check arbitrary`, "e.g. export const arbitraryBody = (fc) => fc.record({ amount: fc.nat() })");
  const bad = fc.sample(arb as fc.Arbitrary<unknown>, { seed: 1, numRuns: 5 }).map((b) => (b === undefined ? "$" : nonJsonPath(b))).find(Boolean);
  if (bad) throw new UsageError(`handler ${handler.path}: arbitraryBody(fc) produced a body that is not plain JSON at ${bad}`, "return plain JSON from arbitraryBody: objects, arrays, strings, finite numbers, booleans and null");
  return arb as fc.Arbitrary<Json>;
}
