import type { Checker } from "../core/checker.js";
import type { History } from "../core/history.js";
import { Findings } from "./findings.js";
import { mayHaveDeliveredBefore } from "./indeterminate.js";
import { EntityInfo, derive } from "./indexes.js";
import { viewOf } from "./view.js";

/** One keyed message at one entity: its send order facts and its first delivery. */
interface Item {
  id: string;
  /** Send side: earliest invoke, earliest ok completion, first send op and position in its batch. */
  start: number;
  okDone: number;
  batch: number;
  position: number;
  /** First main-queue delivery: index in view.deliveries, its read's invoke and completion times and history index. */
  at: number;
  readStart: number;
  readDone: number;
  deliveryIndex: number;
  flagged: boolean;
}

/**
 * Per entity and key, first deliveries follow send order: when A's send was acknowledged before
 * B's was invoked (or A is earlier in the same batch), B must not be first delivered before A.
 * Invalid only under claims.orderedPerKey or an entity with orderedKeys; otherwise counted.
 */
export const orderingPerKey: Checker = {
  name: "ordering-per-key",
  description: "first deliveries of messages with the same key follow the order in which they were sent",
  anomalies: ["order-violation"],
  check(history: History, context) {
    const view = viewOf(history, context);
    const { heads, msg } = derive(view);
    const info = new EntityInfo(view);
    const claimed = view.setup.claims?.orderedPerKey === true;
    const f = new Findings();
    // entity → key → items (nested maps: no per-message key strings).
    const groups = new Map<string, Map<string, Item[]>>();
    let keyed = 0;
    for (const h of heads) {
      const d = view.deliveries[h]!;
      if (d.delivery.dlq) continue;
      const m = msg[h];
      const key = m?.key ?? d.delivery.key;
      if (!m || key === undefined || m.ops === 0) continue;
      let byKey = groups.get(d.delivery.entity);
      if (!byKey) groups.set(d.delivery.entity, (byKey = new Map()));
      let list = byKey.get(key);
      if (!list) byKey.set(key, (list = []));
      keyed += 1;
      list.push({
        id: d.delivery.id, start: m.start, okDone: m.okDone, batch: m.first.invokeIndex, position: m.first.position,
        at: h, readStart: d.invokeTime, readDone: d.time, deliveryIndex: d.index, flagged: false,
      });
    }
    if (groups.size === 0) return f.result(true, { notApplicable: true, reason: "no keyed message was delivered" });

    let enforced = claimed;
    let keys = 0;
    for (const [entity, byKey] of groups) {
      const bad = claimed || info.orderedKeys(entity);
      enforced ||= bad;
      keys += byKey.size;
      for (const [key, items] of byKey) {
        for (const [a, b] of violations(items)) {
          // An indeterminate read invoked before b's first delivery may have delivered a first.
          if (mayHaveDeliveredBefore(view, entity, b.readDone)) {
            f.count("order-unproven");
            continue;
          }
          if (!bad) f.count("order-violation");
          else if (f.report("order-violation"))
            f.example("order-violation", {
              indexes: [a.batch, b.batch, b.deliveryIndex, a.deliveryIndex],
              id: b.id, entity, key, before: a.id,
              explanation: `message ${b.id} (key ${key}) was first delivered before ${a.id}, which was sent before it.`,
            });
        }
      }
    }
    const stats = { keys, keyedMessages: keyed };
    if (!enforced) return f.result(true, { stats, notApplicable: true, reason: "per-key order is neither claimed nor configured (orderedKeys); violations are only counted" });
    return f.result(f.anomalies["order-violation"]?.length ? false : true, { stats });
  },
};

/**
 * Each B first delivered before some A that was sent before it, with such an A. Sent before:
 * A acknowledged before B was invoked, or earlier in the same batch. Delivered before: B's read
 * completed before A's was invoked, or earlier in the same read (overlapping reads are not
 * ordered: a delayed reply proves nothing). Four sweeps with running maxima: O(n log n).
 */
function* violations(items: Item[]): Generator<[Item, Item]> {
  if (items.length < 2) return;
  yield* acrossSends(items, false);
  // Reads returning several of these messages: contiguous runs of `items` (history order).
  for (let i = 0, j = 0; i < items.length; i = j) {
    while (j < items.length && items[j]!.deliveryIndex === items[i]!.deliveryIndex) j++;
    if (j - i > 1) yield* acrossSends(items.slice(i, j), true);
  }
  const byBatch = sortedBy(items, byBatchPosition);
  yield* withinBatches(byBatch, false);
  yield* withinBatches(sortedBy(byBatch, byBatchReadPosition), true);
}

/** A acknowledged before B was sent; delivery order by time, or (sameRead) by position in one read. */
function* acrossSends(items: Item[], sameRead: boolean): Generator<[Item, Item]> {
  const byDone = sortedBy(items.filter((x) => x.okDone !== Infinity), byOkDone);
  let j = 0;
  let worst: Item | undefined;
  for (const b of sortedBy(items, byStartTime)) {
    while (j < byDone.length && byDone[j]!.okDone < b.start) {
      const a = byDone[j++]!;
      if (!worst || from(a, sameRead) > from(worst, sameRead)) worst = a;
    }
    if (worst && from(worst, sameRead) > to(b, sameRead) && !b.flagged) {
      b.flagged = true;
      yield [worst, b];
    }
  }
}

/** A earlier in B's batch; `sorted` by batch then position (sameRead: batch, read, position). */
function* withinBatches(sorted: Item[], sameRead: boolean): Generator<[Item, Item]> {
  let worst: Item | undefined;
  for (let i = 0; i < sorted.length; i++) {
    const b = sorted[i]!;
    const p = sorted[i - 1];
    if (!p || p.batch !== b.batch || (sameRead && p.deliveryIndex !== b.deliveryIndex)) worst = undefined;
    if (worst && from(worst, sameRead) > to(b, sameRead) && !b.flagged) {
      b.flagged = true;
      yield [worst, b];
    }
    if (!worst || from(b, sameRead) > from(worst, sameRead)) worst = b;
  }
}

/** A's delivery is after B's when from(A) > to(B): A's read began after B's ended, or A came later in the same read. */
const from = (x: Item, sameRead: boolean): number => (sameRead ? x.at : x.readStart);
const to = (x: Item, sameRead: boolean): number => (sameRead ? x.at : x.readDone);
const byOkDone = (x: Item, y: Item): number => x.okDone - y.okDone;
const byStartTime = (x: Item, y: Item): number => x.start - y.start;
const byBatchPosition = (x: Item, y: Item): number => x.batch - y.batch || x.position - y.position;
const byBatchReadPosition = (x: Item, y: Item): number => x.batch - y.batch || x.deliveryIndex - y.deliveryIndex || x.position - y.position;

/** `items` in `order`: the array itself when already sorted (the common case), else a sorted copy. */
function sortedBy(items: Item[], order: (x: Item, y: Item) => number): Item[] {
  for (let i = 1; i < items.length; i++) if (order(items[i - 1]!, items[i]!) > 0) return [...items].sort(order);
  return items;
}
