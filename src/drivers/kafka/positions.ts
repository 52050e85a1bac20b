import type { StoredAt } from "../../core/driver.js";

/**
 * Where each record of one produce request was stored: the broker answers with the base offset
 * of each partition's record batch, and a batch's records take consecutive offsets in request
 * order. `partitions[i]` is the partition record i was sent to; `bases` the answer per partition.
 */
export function storedPositions(partitions: readonly number[], bases: ReadonlyMap<number, bigint | string | number | undefined>): (StoredAt | undefined)[] {
  const next = new Map<number, bigint>();
  return partitions.map((partition) => {
    const base = bases.get(partition);
    if (base === undefined || base === null || BigInt(base) < 0n) return undefined;
    const at = next.get(partition) ?? BigInt(base);
    next.set(partition, at + 1n);
    return { partition, offset: at.toString() };
  });
}
