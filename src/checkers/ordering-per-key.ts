import type { Checker } from "../core/checker.js";
import type { History } from "../core/history.js";
import { Findings } from "./findings.js";
import { EntityInfo, derive } from "./indexes.js";
import { viewOf } from "./view.js";

/** One keyed message at one entity: its send order facts and its first delivery's position. */
interface Item {
  id: string;
  /** Position of the first main-queue delivery in history order (index into view.deliveries). */
  at: number;
  start: number;
  okDone: number;
  batch: number;
  position: number;
  /** History indexes of its send op and first delivery, for examples. */
  sendIndex: number;
  deliveryIndex: number;
}

/**
 * Per entity and key, first deliveries must follow send order: A precedes B when A's send was
 * acknowledged before B's was invoked, or A comes first in the same batch.
 */
export const orderingPerKey: Checker = {
  name: "ordering-per-key",
  description: "first deliveries of messages with the same key follow the order in which they were sent",
  anomalies: ["order-violation"],
  check(history: History, context) {
    const view = viewOf(history, context);
    const { sends, heads } = derive(view);
    const info = new EntityInfo(view);
    const claimed = view.setup.claims?.orderedPerKey === true;
    const f = new Findings();
    const groups = new Map<string, Item[]>();
    for (const h of heads) {
      const d = view.deliveries[h]!;
      if (d.delivery.dlq) continue;
      const m = sends.get(d.delivery.id);
      const key = m?.key ?? d.delivery.key;
      if (!m || key === undefined || m.ops === 0) continue;
      const g = `${d.delivery.entity}\u0000${key}`;
      let list = groups.get(g);
      if (!list) groups.set(g, (list = []));
      list.push({
        id: d.delivery.id, at: h, start: m.start, okDone: m.okDone, batch: m.first.invokeIndex, position: m.first.position,
        sendIndex: m.first.invokeIndex, deliveryIndex: d.index,
      });
    }
    if (groups.size === 0) return f.result(true, { notApplicable: true, reason: "no keyed message was delivered" });

    let enforced = claimed;
    for (const [g, items] of groups) {
      const entity = g.slice(0, g.indexOf("\u0000"));
      const key = g.slice(entity.length + 1);
      const bad = claimed || info.orderedKeys(entity);
      enforced ||= bad;
      for (const [a, b] of violations(items)) {
        if (!bad) f.count("order-violation");
        else if (f.report("order-violation"))
          f.example("order-violation", {
            indexes: [a.sendIndex, b.sendIndex, b.deliveryIndex, a.deliveryIndex],
            id: b.id, entity, key, before: a.id,
            explanation: `message ${b.id} (key ${key}) was first delivered before ${a.id}, which was sent before it.`,
          });
      }
    }
    const stats = { keys: groups.size };
    if (!enforced) return f.result(true, { stats, notApplicable: true, reason: "per-key order is neither claimed nor configured (orderedKeys); violations are only counted" });
    return f.result(f.anomalies["order-violation"]?.length ? false : true, { stats });
  },
};

/**
 * Each B whose first delivery precedes that of some A that must precede it, with the worst such A.
 * Two sweeps with a running maximum of delivery positions: O(n log n).
 */
export function* violations(items: Item[]): Generator<[Item, Item]> {
  if (items.length < 2) return;
  const flagged = new Set<Item>();
  // Across ops: A's send acknowledged before B's was invoked.
  const byDone = items.filter((x) => x.okDone !== Infinity).sort((x, y) => x.okDone - y.okDone);
  const byStart = [...items].sort((x, y) => x.start - y.start);
  let j = 0;
  let worst: Item | undefined;
  for (const b of byStart) {
    while (j < byDone.length && byDone[j]!.okDone < b.start) {
      const a = byDone[j++]!;
      if (!worst || a.at > worst.at) worst = a;
    }
    if (worst && worst.at > b.at) {
      flagged.add(b);
      yield [worst, b];
    }
  }
  // Within one batch: earlier position first.
  const byBatch = [...items].sort((x, y) => x.batch - y.batch || x.position - y.position);
  worst = undefined;
  for (let i = 0; i < byBatch.length; i++) {
    const b = byBatch[i]!;
    if (i === 0 || byBatch[i - 1]!.batch !== b.batch) worst = undefined;
    if (worst && worst.at > b.at && !flagged.has(b)) yield [worst, b];
    if (!worst || b.at > worst.at) worst = b;
  }
}
