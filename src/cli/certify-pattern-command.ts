import { UsageError } from "../core/errors.js";
import { DEFAULT_HANDLER_TIMEOUT_MS } from "../certify/handler.js";
import { certifyOutbox, formatOutbox } from "../certify/outbox/certify-outbox.js";
import { parseDuration } from "../bench/matrix.js";
import { positiveInt, seedOption } from "./options.js";

/** The patterns `gauntlet certify --pattern` knows. */
export const PATTERNS = ["outbox", "claim-check"] as const;

/** Options of `gauntlet certify --pattern NAME MODULE`. */
export interface PatternCommandOptions {
  pattern: string;
  runs?: string;
  seed?: string;
  timeout?: string;
  db?: string;
  store?: string;
  json?: boolean;
}

/** Pattern runs when --runs is absent (each case is a few database round trips). */
export const DEFAULT_PATTERN_RUNS = 100;

/** `gauntlet certify --pattern outbox|claim-check MODULE`: exit 0 certified, 1 a counterexample, 3 bad module or usage, 4 infrastructure. */
export async function certifyPatternCommand(modulePath: string, options: PatternCommandOptions): Promise<number> {
  const runs = positiveInt("--runs", options.runs, DEFAULT_PATTERN_RUNS);
  const seed = seedOption(options.seed);
  const timeoutMs = parseDuration("--timeout", options.timeout, DEFAULT_HANDLER_TIMEOUT_MS, 100);
  if (options.pattern === "outbox") {
    const r = await certifyOutbox(modulePath, { runs, seed, timeoutMs, ...(options.db ? { dbUrl: options.db } : {}) });
    process.stdout.write(options.json ? `${JSON.stringify({ pattern: "outbox", module: modulePath, seed, ...r }, null, 2)}\n` : `${formatOutbox(modulePath, r, seed)}\n`);
    return r.certified ? 0 : 1;
  }
  if (options.pattern === "claim-check") {
    const { certifyClaimCheckCommand } = await import("./certify-claim-check.js");
    return certifyClaimCheckCommand(modulePath, { runs, seed, timeoutMs, store: options.store, json: options.json === true });
  }
  throw new UsageError(`--pattern: unknown pattern "${options.pattern}"`, `expected one of ${PATTERNS.join(", ")}`);
}
