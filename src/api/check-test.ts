import type { EntitySpec } from "../core/entities.js";
import { UsageError } from "../core/errors.js";
import { isFaultName } from "../core/faults.js";
import type { Suite } from "../core/suite.js";
import { type Test, TEST_DEFAULTS } from "../core/test.js";
import { checkBroker } from "../environments/start.js";
import { SUITES, claimSuite, suiteByName } from "../suites/index.js";

/** A test with every default filled in and every name resolved; what run() executes. */
export interface ResolvedTest {
  broker: string;
  suites: Suite[];
  runs: number;
  seed: number;
  faults: NonNullable<Test["faults"]>;
  shrinkBudgetSeconds: number;
  out: string;
  replay?: NonNullable<Test["replay"]>;
  /** The blob store claim-check suites upload to: azurite, file or file:DIR. */
  store: string;
  /** A plan's existing entities (useExisting + --use-existing): each must be empty before the run; nothing is created or deleted. */
  existing?: EntitySpec[];
  /** A plan's own entities: created once before the runs and read back (Driver.describe); a declared setting the broker did not keep is refused (exit 3). */
  planEntities?: EntitySpec[];
}

const isInt = (n: unknown, min: number, max: number): n is number => typeof n === "number" && Number.isInteger(n) && n >= min && n <= max;

/**
 * Check a test before anything starts (exit 3 naming the field and the fix) and fill in defaults:
 * every suite name known, runs and seed in range, faults from core's table and offered by the
 * broker's family.
 */
export function resolveTest(test: Test): ResolvedTest {
  if (typeof test !== "object" || test === null) throw new UsageError("test: expected an object", 'e.g. { broker: "memory://" }');
  if (typeof test.broker !== "string" || !test.broker) throw new UsageError("--broker (test.broker): a broker URL is required", "e.g. --broker memory:// (the embedded broker), or { broker: \"memory://\" } in a test");
  const faults = test.faults ?? [];
  for (const f of faults) if (!isFaultName(f)) throw new UsageError(`test.faults: unknown fault "${String(f)}"`, "see gauntlet run --help for the fault names");
  checkBroker(test.broker, faults);
  if (test.runs !== undefined && !isInt(test.runs, 1, 1_000_000)) throw new UsageError(`test.runs: ${String(test.runs)} is not a whole number from 1 to 1000000`, `e.g. runs: ${TEST_DEFAULTS.runs}`);
  if (test.seed !== undefined && !isInt(test.seed, -(2 ** 31), 2 ** 31 - 1)) throw new UsageError(`test.seed: ${String(test.seed)} is not a 32-bit integer`, "e.g. seed: 42");
  if (test.shrinkBudgetSeconds !== undefined && !isInt(test.shrinkBudgetSeconds, 1, 86_400)) throw new UsageError(`test.shrinkBudgetSeconds: ${String(test.shrinkBudgetSeconds)} is not a whole number from 1 to 86400`, "e.g. shrinkBudgetSeconds: 60");
  const replayed = test.replay?.checkers ? claimSuite(test.replay.suite, test.replay.checkers, test.replay.claims ?? {}) : test.replay ? suiteByName(test.replay.suite) : undefined;
  // Suites that need a blob store (claim-check) run when named, not in the default set.
  const suites = replayed ? [replayed] : test.suites?.length ? test.suites.map(suiteByName) : SUITES.filter((s) => !s.needsStore);
  const store = test.store ?? "azurite";
  if (typeof store !== "string" || !(store === "azurite" || store === "file" || /^file:.+/.test(store))) throw new UsageError(`--store (test.store): unknown store "${String(store).slice(0, 40)}"`, "use azurite (a private Azurite, the default), file (a temporary directory) or file:DIR");
  if (test.replay && !isInt(test.replay.times, 1, 10_000)) throw new UsageError(`test.replay.times: ${String(test.replay.times)} is not a whole number from 1 to 10000`, "e.g. times: 10");
  const onMemory = test.broker.startsWith("memory:");
  return {
    broker: test.broker,
    suites,
    runs: test.runs ?? TEST_DEFAULTS.runs,
    seed: test.seed ?? test.replay?.seed ?? Math.floor(Math.random() * 2 ** 31),
    faults,
    shrinkBudgetSeconds: test.shrinkBudgetSeconds ?? (onMemory ? TEST_DEFAULTS.shrinkBudgetSeconds.memory : TEST_DEFAULTS.shrinkBudgetSeconds.other),
    out: test.out ?? TEST_DEFAULTS.out,
    ...(test.replay ? { replay: test.replay } : {}),
    store,
  };
}
