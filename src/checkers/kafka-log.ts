import type { Checker } from "../core/checker.js";
import type { History } from "../core/history.js";
import type { HistoryView } from "../history/views.js";
import { Findings, verdictOf } from "./findings.js";
import { type PartitionLog, committedSends, logKey, partitionLogs } from "./kafka-log-orders.js";
import { pollCases, sendCases } from "./kafka-log-sequences.js";
import { viewOf } from "./view.js";

const ALWAYS_INVALID = ["inconsistent-offsets", "lost-write", "nonmonotonic-poll", "poll-skip", "nonmonotonic-send"] as const;

/**
 * Jepsen's Kafka analysis (jepsen/tests/kafka.clj) on the partition and offset of every
 * acknowledged send and every record read: one offset holding two messages, one message at
 * two offsets, a write missing below an offset somebody read, a consumer going back or skipping
 * ahead within a partition, a producer's later send landing before its earlier one.
 * Not applicable when the history records no offsets (brokers other than Kafka).
 */
export const kafkaLog: Checker = {
  name: "kafka-log",
  description: "Kafka partitions behave as logs: one message per offset and one offset per message, no lost writes below a read offset, monotonic polls and sends per client",
  anomalies: ["duplicate", ...ALWAYS_INVALID],
  check(history: History, context) {
    const view = viewOf(history, context);
    const logs = partitionLogs(view);
    if (!logs) return { valid: true, anomalies: {}, counts: {}, notApplicable: true, reason: "the history records no partition offsets (not Kafka)" };
    const f = new Findings();
    const exactlyOnce = view.setup.claims?.exactlyOnce === true;
    const sentBy = sendIndexes(view);
    const read = readIds(view);
    for (const log of logs.values()) {
      offsetCases(log, f, exactlyOnce);
      lostWrites(log, read.get(log.key), sentBy, f);
    }
    pollCases(view, logs, f);
    sendCases(view, logs, f);
    const valid = verdictOf(f, exactlyOnce ? ["duplicate", ...ALWAYS_INVALID] : ALWAYS_INVALID);
    let offsets = 0;
    for (const log of logs.values()) offsets += log.offsets.length;
    return f.result(valid, { stats: { partitions: logs.size, offsets } });
  },
};

/** inconsistent-offsets (one offset, several ids) and duplicate (one id, several offsets). */
function offsetCases(log: PartitionLog, f: Findings, exactlyOnce: boolean): void {
  for (const o of log.offsets) {
    const ids = log.values.get(o)!;
    if (ids.length > 1 && f.report("inconsistent-offsets"))
      f.example("inconsistent-offsets", { indexes: [log.witness.get(o)!], id: ids[1], entity: log.topic, key: log.key, offset: o, ids, explanation: `offset ${o} of ${log.key} holds ${ids.length} different messages: ${ids.join(", ")}.` });
  }
  for (const [id, first] of log.first) {
    if (log.last.get(id) === first) continue;
    const at = log.offsets.filter((o) => log.values.get(o)!.includes(id));
    if (!exactlyOnce) f.count("duplicate");
    else if (f.report("duplicate"))
      f.example("duplicate", { indexes: at.map((o) => log.witness.get(o)!), id, entity: log.topic, key: log.key, offsets: at, explanation: `message ${id} is stored at ${at.length} offsets of ${log.key} (${at.join(", ")}), though exactly-once is claimed.` });
  }
}

/**
 * lost-write: the highest dense index at which a read id first appears bounds what must have
 * been read; an id whose last appearance is at or below it, sent with an ack, and never read is lost.
 */
function lostWrites(log: PartitionLog, read: Map<string, number> | undefined, sentBy: Map<string, number>, f: Findings): void {
  if (!read) return;
  let bound = -1;
  let reader = -1;
  for (const [id, index] of read) {
    const at = log.first.get(id) ?? -1;
    if (at > bound) {
      bound = at;
      reader = index;
    }
  }
  for (let i = 0; i <= bound; i++) {
    const o = log.offsets[i]!;
    for (const id of log.values.get(o)!) {
      if (read.has(id) || log.last.get(id)! > bound || !sentBy.has(id)) continue;
      const top = log.offsets[bound]!;
      if (f.report("lost-write"))
        f.example("lost-write", { indexes: [sentBy.get(id)!, reader], id, entity: log.topic, key: log.key, offset: o, maxReadOffset: top, explanation: `message ${id} was stored at offset ${o} of ${log.key} and never read, although offset ${top} was read.` });
    }
  }
}

/** id → history index of the completion of a send that must have committed (committedSends). */
function sendIndexes(view: HistoryView): Map<string, number> {
  const committed = committedSends(view);
  const out = new Map<string, number>();
  for (const s of view.sends) if (committed.has(s.invokeIndex) && !out.has(s.id)) out.set(s.id, s.completeIndex ?? s.invokeIndex);
  return out;
}

/** log key → ids read from it (any reader, any group) → history index of the first read. */
function readIds(view: HistoryView): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const d of view.deliveries) {
    const { partition, offset } = d.delivery;
    if (partition === undefined || offset === undefined || d.delivery.dlq) continue;
    const key = logKey(view, d.delivery.entity, partition);
    let ids = out.get(key);
    if (!ids) out.set(key, (ids = new Map()));
    if (!ids.has(d.delivery.id)) ids.set(d.delivery.id, d.index);
  }
  return out;
}
