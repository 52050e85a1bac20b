import type { Checker } from "../core/checker.js";
import { UsageError } from "../core/errors.js";
import { atLeastOnce } from "./at-least-once.js";
import { atMostOnce } from "./at-most-once.js";
import { claimCheckDangling } from "./claim-check-dangling.js";
import { claimCheckHashes } from "./claim-check-hashes.js";
import { claimCheckOrphans } from "./claim-check-orphans.js";
import { claimCheckThreshold } from "./claim-check-threshold.js";
import { deadLetter } from "./dead-letter.js";
import { duplicates } from "./duplicates.js";
import { failover } from "./failover.js";
import { kafkaLog } from "./kafka-log.js";
import { keyExclusive } from "./key-exclusive.js";
import { lockExpiry } from "./lock-expiry.js";
import { orderingPerKey } from "./ordering-per-key.js";

/** Every checker by name, in the order reports list them. */
export const CHECKERS: Readonly<Record<string, Checker>> = Object.freeze({
  [atLeastOnce.name]: atLeastOnce,
  [duplicates.name]: duplicates,
  [orderingPerKey.name]: orderingPerKey,
  [keyExclusive.name]: keyExclusive,
  [lockExpiry.name]: lockExpiry,
  [deadLetter.name]: deadLetter,
  [atMostOnce.name]: atMostOnce,
  [failover.name]: failover,
  [kafkaLog.name]: kafkaLog,
  [claimCheckHashes.name]: claimCheckHashes,
  [claimCheckDangling.name]: claimCheckDangling,
  [claimCheckOrphans.name]: claimCheckOrphans,
  [claimCheckThreshold.name]: claimCheckThreshold,
});

/** Look a checker up by name; an unknown name fails with the list of known ones. */
export function checkerByName(name: string): Checker {
  const checker = Object.hasOwn(CHECKERS, name) ? CHECKERS[name] : undefined;
  if (!checker) throw new UsageError(`unknown checker "${name}"`, `expected one of ${Object.keys(CHECKERS).join(", ")}`);
  return checker;
}
