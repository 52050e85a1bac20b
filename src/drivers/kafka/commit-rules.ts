import { DefiniteFailure } from "../../core/errors.js";
import type { SettleOutcome } from "../../core/history.js";

/** What both Kafka consumers remember of a record they handed out. */
export interface HeldRecord {
  partition: number;
  offset: number;
  /** Consumer epoch when fetched (bumped on every rebalance). */
  epoch: number;
}

/** A settle must name a record this consumer holds, and ask for a commit (Kafka has nothing else). */
export function heldForCommit<H extends HeldRecord>(held: H | undefined, token: string | undefined, outcome: SettleOutcome): H {
  if (!held) throw new DefiniteFailure(`no record ${token} is held by this consumer`, "unknown-token");
  if (outcome !== "complete") throw new DefiniteFailure(`Kafka has no ${outcome}: a consumer can only commit its position`, "not-supported");
  return held;
}

/**
 * Before either client commits: no rebalance came between fetch and commit (the classic group
 * protocol would accept a commit for a partition the member lost), and the offset extends the
 * partition's committed prefix (committing it would silently commit the earlier ones).
 */
export function checkCommittable(held: HeldRecord, epoch: number, nextCommit: ReadonlyMap<number, number>): void {
  if (held.epoch !== epoch) throw new DefiniteFailure(`partition ${held.partition} was rebalanced since offset ${held.offset} was fetched; its next owner reads it again`, "rebalanced");
  const expected = nextCommit.get(held.partition);
  if (expected !== held.offset) {
    throw new DefiniteFailure(`offset ${held.offset} of partition ${held.partition} cannot be committed before offset ${expected}: Kafka commits positions`, "out-of-order-commit");
  }
}
