import type { HistoryView } from "../history/views.js";

/**
 * Jepsen's version orders (jepsen/tests/kafka.clj `version-orders`), per topic-partition: which
 * message ids were seen at each offset, from every read (reads are safe) and from every send
 * the broker acknowledged with an offset. Offsets are sparse (transaction markers, compaction),
 * so positions are compared by dense index: the rank of the offset among those observed.
 */
export interface PartitionLog {
  /** `topic#partition`. */
  key: string;
  /** The topic (or queue) name. */
  topic: string;
  /** Observed offsets, ascending. */
  offsets: number[];
  /** offset → dense index (its rank in `offsets`). */
  rank: Map<number, number>;
  /** offset → ids seen there (usually one). */
  values: Map<number, string[]>;
  /** id → dense index of its first and last appearance. */
  first: Map<string, number>;
  last: Map<string, number>;
  /** History index of an op that saw (read or stored) each offset first. */
  witness: Map<number, number>;
}

/** The log a delivery or send belongs to: the topic (a subscription `t/s` reads topic `t`) and partition. */
export function logKey(view: HistoryView, entity: string, partition: number): string {
  const slash = entity.indexOf("/");
  const topic = slash > 0 && view.setup.entities?.some((e) => e.kind === "topic" && e.name === entity.slice(0, slash)) ? entity.slice(0, slash) : entity;
  return `${topic}#${partition}`;
}

/** Build every partition's log from the view; undefined when the history records no offsets. */
export function partitionLogs(view: HistoryView): Map<string, PartitionLog> | undefined {
  const logs = new Map<string, PartitionLog>();
  const add = (key: string, offset: string, id: string, index: number) => {
    let log = logs.get(key);
    if (!log) logs.set(key, (log = { key, topic: key.slice(0, key.lastIndexOf("#")), offsets: [], rank: new Map(), values: new Map(), first: new Map(), last: new Map(), witness: new Map() }));
    const o = Number(offset);
    const ids = log.values.get(o);
    if (!ids) {
      log.values.set(o, [id]);
      log.witness.set(o, index);
    } else if (!ids.includes(id)) ids.push(id);
  };
  // Most histories (brokers other than Kafka) record no offsets: find out before building anything.
  let committed: Set<number> | undefined;
  for (const s of view.sends) {
    if (s.partition === undefined || s.offset === undefined) continue;
    committed ??= committedSends(view);
    if (committed.has(s.invokeIndex)) add(logKey(view, s.target, s.partition), s.offset, s.id, s.completeIndex ?? s.invokeIndex);
  }
  for (const d of view.deliveries) {
    const { partition, offset } = d.delivery;
    if (partition !== undefined && offset !== undefined && !d.delivery.dlq) add(logKey(view, d.delivery.entity, partition), offset, d.delivery.id, d.index);
  }
  if (logs.size === 0) return undefined;
  for (const log of logs.values()) {
    log.offsets = [...log.values.keys()].sort((a, b) => a - b);
    log.offsets.forEach((o, i) => {
      log.rank.set(o, i);
      for (const id of log.values.get(o)!) {
        if (!log.first.has(id)) log.first.set(id, i);
        log.last.set(id, i);
      }
    });
  }
  return logs;
}

/**
 * Jepsen's must-have-committed?: history indexes (invocations) of the send ops that certainly
 * took effect: `ok` ones, and `info` ones one of whose messages was read. Only their offsets
 * enter the version order, and only their messages can be lost writes.
 */
export function committedSends(view: HistoryView): Set<number> {
  const read = new Set<string>();
  for (const d of view.deliveries) if (!d.delivery.dlq) read.add(d.delivery.id);
  const out = new Set<number>();
  for (const s of view.sends) if (s.type === "ok" || (s.type === "info" && read.has(s.id))) out.add(s.invokeIndex);
  return out;
}
