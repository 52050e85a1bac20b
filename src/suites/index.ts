import { UsageError } from "../core/errors.js";
import type { Suite } from "../core/suite.js";
import type { Claims } from "../core/setup.js";
import { checkerByName } from "../checkers/registry.js";
import { atLeastOnce } from "./at-least-once.js";
import { claimCheck } from "./claim-check.js";
import { deadLetter } from "./dead-letter.js";
import { duplicates } from "./duplicates.js";
import { failover } from "./failover.js";
import { idempotentProducer } from "./idempotent-producer.js";
import { lockExpiry } from "./lock-expiry.js";
import { orderingPerKey } from "./ordering-per-key.js";
import { receiveAndDelete } from "./receive-and-delete.js";

/** The ready-made suites, in the order `gauntlet run` runs them. */
export const SUITES: readonly Suite[] = [atLeastOnce, orderingPerKey, lockExpiry, deadLetter, duplicates, receiveAndDelete, idempotentProducer, failover, claimCheck];

/** Look a suite up by name; an unknown name fails with the list of known ones. */
export function suiteByName(name: string): Suite {
  const suite = SUITES.find((s) => s.name === name);
  if (!suite) throw new UsageError(`unknown suite "${name}"`, `expected one of ${SUITES.map((s) => s.name).join(", ")} (see gauntlet list)`);
  return suite;
}

/** A plan's claim suite rebuilt from a repro file (its checkers and claims), to replay its scenario. */
export function claimSuite(name: string, checkers: readonly string[], claims: Claims): Suite {
  return {
    name,
    description: `a plan's claim (${name})`,
    requires: [],
    claims,
    checkers: checkers.map(checkerByName),
    scenarios: () => {
      throw new UsageError(`${name} is a plan's claim suite`, "rerun the plan (gauntlet run --plan FILE --seed N) to generate its scenarios; a repro file only replays");
    },
  };
}
