import type { Checker } from "../core/checker.js";
import type { History } from "../core/history.js";
import { Findings, listSome, verdictOf } from "./findings.js";
import { EntityInfo, chainKey, derive } from "./indexes.js";
import { viewOf } from "./view.js";

const INVALID = ["lost", "unexpected", "recovered-fail"] as const;

/**
 * Jepsen's total-queue, split by copy: every acked copy must be delivered (main queue or its
 * DLQ), nothing unsent may be delivered, and a definitely failed send must never surface.
 */
export const atLeastOnce: Checker = {
  name: "at-least-once",
  description: "every acknowledged message reaches every copy (queue or subscription) at least once; nothing unsent appears",
  anomalies: [...INVALID, "unseen", "recovered"],
  check(history: History, context) {
    const view = viewOf(history, context);
    const { sends, head, next } = derive(view);
    const info = new EntityInfo(view);
    const f = new Findings();
    const deliveries = view.deliveries;
    // Entities whose messages may legitimately sit in the DLQ: loss is provable only once it is drained too.
    const deadLetters = new Set<string>();
    for (const s of view.settles) if (s.outcome === "dead-letter") deadLetters.add(s.entity);
    const undrained = new Set<string>();
    const provable = (entity: string): boolean => {
      if (!view.drained.has(entity)) return false;
      return !(info.maxDeliveryCount(entity) !== undefined || deadLetters.has(entity)) || view.drained.has(`${entity}#dlq`);
    };
    const provableCache = new Map<string, boolean>();
    let acked = 0, failed = 0, indeterminate = 0, copies = 0, delivered = 0, duplicated = 0;

    for (const [id, m] of sends) {
      if (m.ok) acked += 1;
      else if (m.ops === 0) failed += 1;
      else indeterminate += 1;
      let surfaced = -1;
      for (const entity of info.copiesOf(m.target)) {
        const main = head.get(chainKey(entity, id));
        const dlq = head.get(chainKey(`${entity}#dlq`, id));
        const first = main ?? dlq;
        if (first !== undefined && surfaced < 0) surfaced = first;
        if (!m.ok) continue;
        copies += 1;
        if (first !== undefined) {
          delivered += 1;
          if (main !== undefined && next[main]! >= 0) duplicated += 1;
          continue;
        }
        let ok = provableCache.get(entity);
        if (ok === undefined) provableCache.set(entity, (ok = provable(entity)));
        const where = [m.first.invokeIndex, m.first.completeIndex ?? m.first.invokeIndex];
        if (ok) {
          if (f.report("lost"))
            f.example("lost", { indexes: where, id, entity, key: m.key, explanation: `message ${id} was acknowledged but never delivered at ${entity}, although the final drain emptied it.` });
        } else {
          undrained.add(view.drained.has(entity) ? `${entity}#dlq` : entity);
          if (f.report("unseen"))
            f.example("unseen", { indexes: where, id, entity, key: m.key, explanation: `message ${id} was acknowledged but not delivered at ${entity}, and no final drain of ${entity} proves it gone.` });
        }
      }
      if (surfaced < 0 || m.ok) continue;
      const d = deliveries[surfaced]!;
      if (m.ops === 0) {
        if (f.report("recovered-fail"))
          f.example("recovered-fail", {
            indexes: [m.first.invokeIndex, m.first.completeIndex ?? m.first.invokeIndex, d.index],
            id,
            entity: d.delivery.entity,
            explanation: `message ${id} was delivered although every send of it definitely failed.`,
          });
      } else f.count("recovered");
    }

    for (const h of derive(view).heads) {
      const d = deliveries[h]!;
      const id = d.delivery.id;
      if (sends.has(id)) continue;
      // Count each copy once: a DLQ chain only when the main queue never delivered it.
      if (d.delivery.dlq && head.has(chainKey(d.delivery.entity, id))) continue;
      if (f.report("unexpected"))
        f.example("unexpected", { indexes: [d.index], id, entity: d.delivery.entity, explanation: `message ${id} was delivered but no send ever attempted it.` });
    }

    const valid = verdictOf(f, INVALID, ["unseen"]);
    const stats = { attempts: sends.size, acked, failed, indeterminate, copies, delivered, duplicated, recovered: f.total("recovered"), unseen: f.total("unseen"), lost: f.total("lost") };
    const reason = valid === "unknown" ? `final drain missing for ${listSome([...undrained].sort())}: ${f.total("unseen")} acknowledged copies unseen` : undefined;
    return f.result(valid, reason ? { stats, reason } : { stats });
  },
};
