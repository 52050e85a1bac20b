import type { Checker } from "../core/checker.js";
import type { History } from "../core/history.js";
import { Findings, listSome, verdictOf } from "./findings.js";
import { EntityInfo, derive } from "./indexes.js";
import { viewOf } from "./view.js";

const INVALID = ["lost", "unexpected", "recovered-fail"] as const;
/** Per (message, copy) flags. */
const DELIVERED = 1;
const REPEATED = 2;

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
    const { sends, targets, heads, next, msg, pair } = derive(view);
    const info = new EntityInfo(view);
    const f = new Findings();
    const deliveries = view.deliveries;
    let width = 1;
    for (const t of targets) width = Math.max(width, info.copiesOf(t).length);
    const seen = new Uint8Array(sends.size * width);
    const surfaced = new Uint8Array(sends.size);

    for (const h of heads) {
      const d = deliveries[h]!;
      const { id, entity } = d.delivery;
      const m = msg[h];
      if (!m) {
        // Count each copy once: a DLQ chain only when the main queue never delivered it.
        if (d.delivery.dlq && pair[h]! >= 0) continue;
        if (f.report("unexpected"))
          f.example("unexpected", { indexes: [d.index], id, entity, explanation: `message ${id} was delivered but no send ever attempted it.` });
        continue;
      }
      const c = info.copiesOf(m.target).indexOf(entity);
      if (c >= 0) seen[m.n * width + c]! |= DELIVERED | (!d.delivery.dlq && next[h]! >= 0 ? REPEATED : 0);
      if (m.ok || surfaced[m.n]) continue;
      surfaced[m.n] = 1;
      if (m.ops > 0) f.count("recovered");
      else if (f.report("recovered-fail"))
        f.example("recovered-fail", {
          indexes: [m.first.invokeIndex, m.first.completeIndex ?? m.first.invokeIndex, d.index], id, entity,
          explanation: `message ${id} was delivered although every send of it definitely failed.`,
        });
    }

    // Entities whose messages may sit in the DLQ: loss is provable only once that is drained too.
    const deadLetters = new Set<string>();
    for (const s of view.settles) if (s.outcome === "dead-letter") deadLetters.add(s.entity);
    const provable = new Map<string, boolean>();
    const undrained = new Set<string>();
    let acked = 0, failed = 0, indeterminate = 0, copies = 0, delivered = 0, duplicated = 0;
    for (const [id, m] of sends) {
      if (!m.ok) {
        if (m.ops === 0) failed += 1;
        else indeterminate += 1;
        continue;
      }
      acked += 1;
      const targetCopies = info.copiesOf(m.target);
      for (let c = 0; c < targetCopies.length; c++) {
        copies += 1;
        const flags = seen[m.n * width + c]!;
        if (flags & DELIVERED) {
          delivered += 1;
          if (flags & REPEATED) duplicated += 1;
          continue;
        }
        const entity = targetCopies[c]!;
        let ok = provable.get(entity);
        if (ok === undefined) {
          const dlqNeeded = info.maxDeliveryCount(entity) !== undefined || deadLetters.has(entity);
          provable.set(entity, (ok = view.drained.has(entity) && (!dlqNeeded || view.drained.has(`${entity}#dlq`))));
        }
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
    }

    const valid = verdictOf(f, INVALID, ["unseen"]);
    const stats = { attempts: sends.size, acked, failed, indeterminate, copies, delivered, duplicated, recovered: f.total("recovered"), unseen: f.total("unseen"), lost: f.total("lost") };
    const reason = valid === "unknown" ? `final drain missing for ${listSome([...undrained].sort())}: ${f.total("unseen")} acknowledged copies unseen` : undefined;
    return f.result(valid, reason ? { stats, reason } : { stats });
  },
};
