import type { Arbitrary } from "fast-check";
import type { Capability } from "./capabilities.js";
import type { Checker } from "./checker.js";
import type { Scenario } from "./scenario.js";
import type { Claims } from "./setup.js";

/** A named bundle: scenario generator + required capabilities + checkers. */
export interface Suite {
  readonly name: string;
  /** One line for `gauntlet list`. */
  readonly description: string;
  /** The broker must offer these, else every property is reported not applicable. */
  readonly requires: readonly Capability[];
  readonly claims: Claims;
  /** Scenario generator, given what the broker can do. */
  scenarios(capabilities: ReadonlySet<Capability>): Arbitrary<Scenario>;
  readonly checkers: readonly Checker[];
  /** A checker whose reason (set on valid results too) becomes the suite's note, e.g. a count worth seeing. */
  readonly noteFrom?: string;
  /** Meaningless without faults (`--faults`): reported n/a when run without them. */
  readonly needsFaults?: boolean;
  /** Its scenarios upload payloads to a blob store (claim-check): the run starts one (`--store`). */
  readonly needsStore?: boolean;
  /** How this suite's fault windows are generated when --faults is given (count, horizon). */
  readonly faultSchedule?: { maxWindows?: number; horizonMs?: number; minWindowMs?: number; streams?: readonly ("upstream" | "downstream")[] };
}
