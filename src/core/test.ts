import type { FaultName } from "./faults.js";
import type { Scenario } from "./scenario.js";
import type { Claims } from "./setup.js";

/**
 * A run described as plain, serialisable data — Jepsen's test map, Gauntlet's shape. The CLI
 * builds one from argv; a library user writes one; `run(test)` executes it and writes every
 * artefact. Either `suites` are property-run, or `replay` re-runs one saved scenario.
 */
export interface Test {
  /** Broker URL, e.g. `memory://`, `amqp://guest:guest@127.0.0.1:5672`, `kafka://127.0.0.1:9092`. */
  broker: string;
  /** Ready-made suite names (see `gauntlet list`); all of them when absent or empty. */
  suites?: string[];
  /** Property runs per suite (default 25). */
  runs?: number;
  /** Seed of the property runs (a 32-bit integer; random when absent, and always reported). */
  seed?: number;
  /** Faults to generate windows of, from core's fault table; the broker family must offer them. */
  faults?: FaultName[];
  /** Stop shrinking this long after the first failure, s (default: to the end on memory://, 60 elsewhere). */
  shrinkBudgetSeconds?: number;
  /** Where reports/<run-id>/ go (default "reports", relative to the working directory). */
  out?: string;
  /** Blob store of claim-check suites: `azurite` (a private Azurite behind toxiproxy, default), `file` (a temporary directory) or `file:DIR`. */
  store?: string;
  /** Re-run a saved scenario instead of generating them (what `gauntlet replay` does). */
  replay?: ReplaySpec;
}

/** A saved scenario to re-run `times` times (a repro file's contents, and where it was read from). */
export interface ReplaySpec {
  suite: string;
  scenario: Scenario;
  /** Seed the scenario was found with (reported, not used to generate). */
  seed: number;
  times: number;
  /** The repro file, for the replay command printed in the report. */
  file?: string;
  /** The broker the repro was recorded on (the replay command names --broker when the test's differs). */
  broker?: string;
  /** A plan's claim suite (not a ready-made one): its checkers by name and its claims. */
  checkers?: string[];
  claims?: Claims;
}

/** Test defaults, also shown by the CLI's help. */
export const TEST_DEFAULTS = { runs: 25, out: "reports", shrinkBudgetSeconds: { memory: 86_400, other: 60 } } as const;
