import { UsageError, describeError } from "../core/errors.js";
import { DEFAULT_HANDLER_TIMEOUT_MS, type LoadedHandler, formatTimeout } from "./handler.js";
import type { CertifyMessage } from "./types.js";

/** Default real-time limit on one handle() call (`--timeout`); a handler that hangs is a bad handler (exit 3). */
export const HANDLE_TIMEOUT_MS = DEFAULT_HANDLER_TIMEOUT_MS;

/** Failed deliveries of one copy before it is dead-lettered (a broker's max delivery count). */
export const MAX_ATTEMPTS = 10;

/** How one handle() call ended. */
export interface Attempt {
  ok: boolean;
  error?: string;
}

/** One in-flight delivery: its abort controller (the lock) and its outcome. */
export interface InFlight {
  lock: AbortController;
  done: Promise<Attempt>;
}

/**
 * Start handle(message, context) now: its synchronous part runs before this returns, so the
 * caller decides interleavings by how many microtask turns it waits before starting another.
 */
export function startDelivery(handler: LoadedHandler, message: CertifyMessage, deliveryCount: number, transientFailure = false): InFlight {
  const lock = new AbortController();
  const context = { deliveryCount, redelivered: deliveryCount > 1, signal: lock.signal, storeDir: handler.env.storeDir, transientFailure };
  const module = handler.module;
  const ms = handler.timeoutMs;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      lock.abort(new Error("timed out"));
      reject(new UsageError(`handler ${handler.path}: handle() of message ${message.id} did not settle within ${formatTimeout(ms)}`, "handle() must settle; raise the limit with --timeout if it is legitimately slow (see docs/certify.md)"));
    }, ms); // kept referenced: a handler that never settles must still end in this error
  });
  const end = handler.trace(`handle() of ${message.id}`);
  const run = (async (): Promise<Attempt> => {
    try {
      await module.handle(structuredClone(message), context);
      return { ok: true };
    } catch (err) {
      return { ok: false, error: describeError(err) };
    } finally {
      end();
    }
  })();
  const done = Promise.race([run, timeout]).finally(() => clearTimeout(timer));
  return { lock, done };
}

/** Let `n` microtask turns pass (the deterministic unit of the in-process scheduler). */
export async function ticks(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await Promise.resolve();
}

/** Deliver and handle once; on a throw, redeliver at once (count + 1) up to MAX_ATTEMPTS. */
export async function deliverUntilHandled(
  handler: LoadedHandler,
  message: CertifyMessage,
  firstCount: number,
  failFirst = false,
): Promise<{ handled: boolean; attempts: number; errors: string[] }> {
  const errors: string[] = [];
  for (let count = firstCount; count < firstCount + MAX_ATTEMPTS; count++) {
    const result = await startDelivery(handler, message, count, failFirst && count === firstCount).done;
    if (result.ok) return { handled: true, attempts: count - firstCount + 1, errors };
    errors.push(result.error ?? "error");
  }
  return { handled: false, attempts: MAX_ATTEMPTS, errors };
}

/** " (threw 2× before succeeding: boom)" style note for trace lines. */
export function throwNote(errors: readonly string[], handled: boolean): string {
  if (errors.length === 0) return "";
  const last = errors[errors.length - 1];
  return handled
    ? `; threw ${errors.length}× first (${last}), redelivered until handled`
    : `; threw on all ${errors.length} deliveries (${last}), dead-lettered`;
}
