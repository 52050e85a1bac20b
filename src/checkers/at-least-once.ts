import type { Checker } from "../core/checker.js";
import type { History } from "../core/history.js";
import type { HistoryView } from "../history/views.js";
import { Findings, listSome, verdictOf } from "./findings.js";
import { describeUnprovable, lossUnprovable } from "./indeterminate.js";
import { EntityInfo, derive, type MessageSends } from "./indexes.js";
import { viewOf } from "./view.js";

const INVALID = ["lost", "unexpected", "recovered-fail"] as const;
/** Per (message, copy) flags. */
const DELIVERED = 1;
const REPEATED = 2;

/**
 * Jepsen's total-queue, split by copy: every acked copy must be delivered (main queue or its
 * DLQ), nothing unsent may be delivered, and a definitely failed send must never surface. A
 * missing copy is `lost` only when a completed drain that began after the ack did not see it
 * and no indeterminate destructive read may have taken it (checkers/indeterminate.ts); else
 * `unseen`, with the reason. Where the setup says batches are atomic, an indeterminate batch
 * one of whose messages was read is owed whole (Jepsen's rule for info writes proved committed).
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
    /** Earliest completion time of a read that delivered the id (Infinity: never). */
    const readAt = new Float64Array(sends.size).fill(Infinity);
    const readIndex = new Int32Array(sends.size);

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
      if (d.time < readAt[m.n]!) {
        readAt[m.n] = d.time;
        readIndex[m.n] = d.index;
      }
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
    // Under Kafka acks=0 the broker confirms nothing: a send counts once the client reported it written.
    const sentWord = /[?&]acks=0(&|$)/.test(view.setup.broker) ? "was reported sent (acks=0: the broker confirms nothing)" : "was acknowledged";
    const owedBatch = view.setup.atomicBatches === true ? atomicBatchDebts(view.sends, sends, readAt, readIndex) : undefined;
    const undrained = new Set<string>();
    const causes = new Set<string>();
    let acked = 0, failed = 0, indeterminate = 0, copies = 0, delivered = 0, duplicated = 0, owed = 0;
    for (const [id, m] of sends) {
      let owedSince = m.okDone;
      let mate: number | undefined;
      if (!m.ok) {
        if (m.ops === 0) failed += 1;
        else indeterminate += 1;
        const debt = owedBatch?.get(m.n);
        if (!debt) continue;
        owed += 1;
        owedSince = debt.since;
        mate = debt.index;
      } else acked += 1;
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
        const dlqToo = info.maxDeliveryCount(entity) !== undefined || deadLetters.has(entity);
        const where = [m.first.invokeIndex, m.first.completeIndex ?? m.first.invokeIndex, ...(mate !== undefined ? [mate] : [])];
        const what = mate === undefined ? `message ${id} ${sentWord}` : `message ${id} belongs to an atomic batch whose other message was read (index ${mate})`;
        const why = lossUnprovable(view, entity, dlqToo, owedSince);
        if (!why) {
          if (f.report("lost"))
            f.example("lost", { indexes: where, id, entity, key: m.key, explanation: `${what} but never delivered at ${entity}, although a final drain that began after that emptied it.` });
        } else {
          if (why.why === "no-drain") undrained.add(why.source);
          else causes.add(describeUnprovable(why));
          if (f.report("unseen"))
            f.example("unseen", { indexes: why.why === "indeterminate-read" ? [...where, why.read.index] : where, id, entity, key: m.key, cause: why.why, explanation: `${what} but not delivered at ${entity}, and ${describeUnprovable(why)}.` });
        }
      }
    }

    const valid = verdictOf(f, INVALID, ["unseen"]);
    const stats = { attempts: sends.size, acked, failed, indeterminate, owed, copies, delivered, duplicated, recovered: f.total("recovered"), unseen: f.total("unseen"), lost: f.total("lost") };
    const why = [...(undrained.size ? [`final drain missing for ${listSome([...undrained].sort())}`] : []), ...(causes.size ? [listSome([...causes].sort(), 2)] : [])];
    const reason = valid === "unknown" ? `${why.join("; ")}: ${f.total("unseen")} acknowledged copies unseen` : undefined;
    return f.result(valid, reason ? { stats, reason } : { stats });
  },
};

/**
 * Messages of indeterminate atomic batches owed because another message of the same batch was
 * read: ordinal → when (the earliest such read's completion) and the history index of that read's
 * send. Only batches whose every id was sent by that op alone (no retry elsewhere) qualify.
 */
function atomicBatchDebts(records: HistoryView["sends"], sends: Map<string, MessageSends>, readAt: Float64Array, readIndex: Int32Array): Map<number, { since: number; index: number }> {
  const out = new Map<number, { since: number; index: number }>();
  for (let i = 0; i < records.length; ) {
    let j = i + 1;
    while (j < records.length && records[j]!.invokeIndex === records[i]!.invokeIndex) j++;
    const type = records[i]!.type;
    if (j - i > 1 && (type === "info" || type === "invoke")) {
      let since = Infinity;
      let index = -1;
      let sole = true;
      for (let k = i; k < j; k++) {
        const m = sends.get(records[k]!.id)!;
        if (m.total !== 1) sole = false;
        if (readAt[m.n]! < since) {
          since = readAt[m.n]!;
          index = readIndex[m.n]!;
        }
      }
      if (sole && since < Infinity) for (let k = i; k < j; k++) out.set(sends.get(records[k]!.id)!.n, { since, index });
    }
    i = j;
  }
  return out;
}
