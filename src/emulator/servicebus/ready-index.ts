/**
 * Sequence numbers of deliverable messages, sorted, per session id ("" without sessions).
 * Entries go stale when a message leaves by another path (TTL); readers skip those lazily.
 */
export class ReadyIndex {
  private readonly lists = new Map<string, number[]>();

  add(key: string, seq: number): void {
    let list = this.lists.get(key);
    if (!list) this.lists.set(key, (list = []));
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]! < seq) lo = mid + 1;
      else hi = mid;
    }
    if (list[lo] !== seq) list.splice(lo, 0, seq);
  }

  /** Remove and return the lowest entry of `key` that is still ready. */
  take(key: string, isReady: (seq: number) => boolean): number | undefined {
    const list = this.lists.get(key);
    while (list?.length) {
      const seq = list.shift()!;
      if (isReady(seq)) return seq;
    }
    return undefined;
  }

  /** The key (other than `skip`) whose lowest ready entry is lowest among keys `eligible` accepts. */
  lowestKey(skip: string, eligible: (key: string) => boolean, isReady: (seq: number) => boolean): string | undefined {
    let best: { key: string; seq: number } | undefined;
    for (const [key, list] of this.lists) {
      while (list.length && !isReady(list[0]!)) list.shift();
      if (!list.length) {
        this.lists.delete(key);
        continue;
      }
      if (key === skip || !eligible(key)) continue;
      if (!best || list[0]! < best.seq) best = { key, seq: list[0]! };
    }
    return best?.key;
  }
}
