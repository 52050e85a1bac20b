import type { Clock } from "../core/clock.js";
import { DefiniteFailure, describeError } from "../core/errors.js";
import type { OpF } from "../core/history.js";
import type { ProcessId, Recorder } from "../history/recorder.js";

export type OpOutcome<T> = { type: "ok"; result: T } | { type: "fail" | "info"; error: unknown };

/** Per-operation timeout, so a hung broker call becomes an `info` op instead of a stuck run. */
export const DEFAULT_OP_TIMEOUT_MS = 30_000;

class OpTimeout extends Error {
  constructor(ms: number) {
    super(`indeterminate: no reply within ${ms} ms`);
  }
}

/**
 * Record one client operation: invoke, run, complete. A DefiniteFailure is recorded as `fail`;
 * any other error or a timeout as `info`, after which the client continues under a new process id.
 */
export async function recordOp<T>(
  recorder: Recorder,
  process: ProcessId,
  f: OpF,
  value: unknown,
  run: () => Promise<T>,
  options: { clock: Clock; timeoutMs?: number; completion?: (result: T) => unknown; node?: (result?: T) => string | undefined },
): Promise<OpOutcome<T>> {
  const pending = recorder.invoke(process.current, f, value);
  try {
    const result = await withTimeout(run(), options.clock, options.timeoutMs ?? DEFAULT_OP_TIMEOUT_MS);
    recorder.complete(pending, "ok", options.completion ? options.completion(result) : value, undefined, options.node?.(result));
    return { type: "ok", result };
  } catch (error) {
    if (error instanceof DefiniteFailure) {
      recorder.complete(pending, "fail", value, describeError(error), options.node?.());
      return { type: "fail", error };
    }
    recorder.complete(pending, "info", value, describeError(error), options.node?.());
    process.renew();
    return { type: "info", error };
  }
}

async function withTimeout<T>(work: Promise<T>, clock: Clock, ms: number): Promise<T> {
  let timedOut = false;
  const abort = new AbortController();
  const timer = clock.sleep(ms, abort.signal).then(() => {
    timedOut = true;
  });
  try {
    const result = await Promise.race([work, timer]);
    if (timedOut) {
      work.catch(() => {}); // the late outcome is unknown by definition
      throw new OpTimeout(ms);
    }
    return result as T;
  } finally {
    abort.abort();
  }
}
