import type { HistoryView } from "../history/views.js";
import type { Findings } from "./findings.js";
import { type PartitionLog, logKey } from "./kafka-log-orders.js";

interface Last {
  /** Dense index of the last record the op read (or sent) in this partition. */
  at: number;
  /** History index and invocation time of that op. */
  index: number;
  invokeTime: number;
}

/**
 * nonmonotonic-poll and poll-skip (Jepsen's poll-skip+nonmonotonic-cases): per reading process
 * and per entity-partition, the first record an op reads must directly follow, in dense index,
 * the last record that process's previous op read there. A rebalance of the entity between the
 * two ops resets the comparison, as Jepsen's assign/subscribe does (the partition may have
 * moved away and back). Reads of different groups (subscriptions) are never compared.
 */
export function pollCases(view: HistoryView, logs: Map<string, PartitionLog>, f: Findings): void {
  const rebalances = rebalanceTimes(view);
  const last = new Map<string, Last>();
  const inOp = new Map<string, number>();
  let op = -1;
  for (const d of view.deliveries) {
    const { partition, offset, entity } = d.delivery;
    if (partition === undefined || offset === undefined || d.delivery.dlq) continue;
    if (d.index !== op) {
      op = d.index;
      inOp.clear();
    }
    const log = logs.get(logKey(view, entity, partition))!;
    const at = log.rank.get(Number(offset))!;
    const key = `${d.process}\u0000${entity}\u0000${partition}`;
    const seen = inOp.get(key);
    inOp.set(key, at);
    if (seen !== undefined) {
      last.set(key, { at, index: d.index, invokeTime: d.invokeTime });
      continue;
    }
    const prev = last.get(key);
    last.set(key, { at, index: d.index, invokeTime: d.invokeTime });
    if (!prev || rebalancedBetween(rebalances.get(entity), prev.invokeTime, d.time)) continue;
    const delta = at - prev.at;
    const where = { indexes: [prev.index, d.index], process: d.process, id: d.delivery.id, entity, key: log.key, partition, from: log.offsets[prev.at], to: Number(offset), delta };
    if (delta > 1 && f.report("poll-skip"))
      f.example("poll-skip", { ...where, skipped: log.offsets.slice(prev.at + 1, at), explanation: `${d.process} read offset ${log.offsets[prev.at]} of ${log.key} and then, with no rebalance in between, offset ${offset}: it skipped ${delta - 1} record(s).` });
    if (delta < 1 && f.report("nonmonotonic-poll"))
      f.example("nonmonotonic-poll", { ...where, explanation: `${d.process} read offset ${log.offsets[prev.at]} of ${log.key} and then, with no rebalance in between, went back to offset ${offset}.` });
  }
}

/**
 * nonmonotonic-send (Jepsen's nonmonotonic-send-cases): per producing process and partition, an
 * op's first message must land after the previous op's last one. Positions are each id's first
 * dense index in the log, from its own ack or from a read (so indeterminate sends count when read).
 */
export function sendCases(view: HistoryView, logs: Map<string, PartitionLog>, f: Findings): void {
  const where = new Map<string, { log: PartitionLog; at: number }>();
  for (const log of logs.values()) for (const [id, at] of log.first) if (!where.has(id)) where.set(id, { log, at });
  const last = new Map<string, Last>();
  const inOp = new Set<string>();
  let op = -1;
  for (const s of view.sends) {
    if (s.type !== "ok" && s.type !== "info") continue;
    const pos = where.get(s.id);
    if (!pos) continue;
    if (s.invokeIndex !== op) {
      op = s.invokeIndex;
      inOp.clear();
    }
    const key = `${s.process}\u0000${pos.log.key}`;
    const prev = last.get(key);
    const mine = { at: pos.at, index: s.completeIndex ?? s.invokeIndex, invokeTime: s.invokeTime };
    if (inOp.has(key)) {
      last.set(key, mine);
      continue;
    }
    inOp.add(key);
    last.set(key, mine);
    if (prev && pos.at - prev.at < 1 && f.report("nonmonotonic-send"))
      f.example("nonmonotonic-send", {
        indexes: [prev.index, mine.index], process: s.process, id: s.id, entity: pos.log.topic, key: pos.log.key, from: pos.log.offsets[prev.at], to: pos.log.offsets[pos.at],
        explanation: `${s.process} sent ${s.id} after an earlier send to ${pos.log.key} had landed at offset ${pos.log.offsets[prev.at]}, yet ${s.id} is at offset ${pos.log.offsets[pos.at]}.`,
      });
  }
}

/** entity → times of the rebalance events the driver reported for it. */
function rebalanceTimes(view: HistoryView): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const op of view.ops) {
    if (op.f !== "rebalance" || op.type !== "invoke") continue;
    const entity = (op.value as { entity?: string } | undefined)?.entity;
    if (entity === undefined) continue;
    const list = out.get(entity);
    if (list) list.push(op.time);
    else out.set(entity, [op.time]);
  }
  return out;
}

function rebalancedBetween(times: number[] | undefined, from: number, to: number): boolean {
  if (!times) return false;
  for (const t of times) if (t >= from && t <= to) return true;
  return false;
}
