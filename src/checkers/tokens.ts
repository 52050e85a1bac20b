import type { DeliveryRecord } from "../history/views.js";

/** What a settle or renewal names: the lock token at an entity, who invoked it and when. */
interface LockUse {
  entity: string;
  lockToken?: string;
  process: string;
  invokeIndex: number;
}

/** The deliveries of a process's latest read: [start, end) in view.deliveries, and a scan cursor. */
interface Batch {
  start: number;
  end: number;
  at: number;
}

/**
 * Resolves settles and renewals to the delivery whose lock token they use: the latest delivery
 * with that token at that entity before the op was invoked (tokens may be reused, e.g. AMQP
 * delivery tags per channel). One merge over history order. A consumer usually settles what its
 * latest read returned, so that batch is searched first; a full token index is built only on a miss.
 */
export class Tokens {
  private readonly batches = new Map<string, Batch>();
  private full: Map<string, Map<string, number>> | undefined;
  private added = 0;

  constructor(private readonly deliveries: readonly DeliveryRecord[]) {}

  /** Fill settleOf / renewOf with delivery indexes (-1 when no delivery carried the token). */
  resolve(settles: readonly LockUse[], renews: readonly LockUse[], settleOf: Int32Array, renewOf: Int32Array): void {
    const ds = this.deliveries;
    let p = 0;
    let a = 0;
    let b = 0;
    while (a < settles.length || b < renews.length) {
      const takeSettle = b >= renews.length || (a < settles.length && settles[a]!.invokeIndex <= renews[b]!.invokeIndex);
      const x = takeSettle ? settles[a]! : renews[b]!;
      while (p < ds.length && ds[p]!.index < x.invokeIndex) {
        const start = p;
        const op = ds[p]!.index;
        while (p < ds.length && ds[p]!.index === op) p++;
        const batch = this.batches.get(ds[start]!.process);
        if (batch) {
          batch.start = batch.at = start;
          batch.end = p;
        } else this.batches.set(ds[start]!.process, { start, end: p, at: start });
      }
      const i = x.lockToken === undefined ? -1 : this.find(x, x.lockToken, p);
      if (takeSettle) settleOf[a++] = i;
      else renewOf[b++] = i;
    }
  }

  private find(x: LockUse, token: string, upTo: number): number {
    const batch = this.batches.get(x.process);
    if (batch) {
      const len = batch.end - batch.start;
      for (let k = 0, j = batch.at; k < len; k++, j = j + 1 < batch.end ? j + 1 : batch.start) {
        const d = this.deliveries[j]!.delivery;
        if (d.lockToken === token && d.entity === x.entity) {
          batch.at = j + 1 < batch.end ? j + 1 : batch.start;
          return j;
        }
      }
    }
    return this.index(upTo).get(x.entity)?.get(token) ?? -1;
  }

  /** The full token index over deliveries [0, upTo), extended incrementally (latest delivery wins). */
  private index(upTo: number): Map<string, Map<string, number>> {
    const full = (this.full ??= new Map());
    for (; this.added < upTo; this.added++) {
      const d = this.deliveries[this.added]!.delivery;
      if (d.lockToken === undefined) continue;
      let m = full.get(d.entity);
      if (!m) full.set(d.entity, (m = new Map()));
      m.set(d.lockToken, this.added);
    }
    return full;
  }
}
