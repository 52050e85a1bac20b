import type { HistoryView, UncertainRead } from "../history/views.js";

/**
 * The one rule every checker applies to reads whose outcome is unknown (a receive or drain that
 * ended `info`, or never completed). Such a read may have been handed any message that was at
 * its source while it ran, that is any message sent before the read ended. If it deleted what it
 * took (a drain, receive-and-delete, or a mode the history does not name), that message may be
 * gone without a trace: its absence proves nothing. If it only locked it (peek-lock), the
 * message comes back, but the broker may have counted one more delivery attempt than the
 * history shows.
 */
const bySource = new WeakMap<HistoryView, Map<string, UncertainRead[]>>();

function readsAt(view: HistoryView, source: string): UncertainRead[] | undefined {
  if (view.uncertain.length === 0) return undefined;
  let map = bySource.get(view);
  if (!map) {
    map = new Map();
    for (const r of view.uncertain) {
      const list = map.get(r.source);
      if (list) list.push(r);
      else map.set(r.source, [r]);
    }
    bySource.set(view, map);
  }
  return map.get(source);
}

/** The first indeterminate destructive read at `source` that ended after `since` (it may have taken a message sent at `since`), if any. */
export function mayHaveTaken(view: HistoryView, source: string, since: number): UncertainRead | undefined {
  const list = readsAt(view, source);
  if (!list) return undefined;
  for (const r of list) if (r.destructive && r.endTime > since) return r;
  return undefined;
}

/** How many indeterminate reads at `source` (any mode) ended after `since`: delivery attempts the history may not show. */
export function unseenAttempts(view: HistoryView, source: string, since: number): number {
  const list = readsAt(view, source);
  if (!list) return 0;
  let n = 0;
  for (const r of list) if (r.endTime > since) n += 1;
  return n;
}

/** Why a missing message cannot be proved lost, or undefined when it can. */
export type Unprovable =
  | { why: "no-drain"; source: string }
  | { why: "drain-before-ack"; source: string; drainStart: number }
  | { why: "indeterminate-read"; source: string; read: UncertainRead };

/**
 * Whether the absence of a message from `entity` proves it lost: a completed (ok) drain of the
 * entity (and of its DLQ when messages may be dead-lettered) must have begun after `owedSince`
 * (the send's acknowledgement, or the read that proved an indeterminate send stored), and no
 * indeterminate destructive read may have taken it since it was sent (`sentAt`).
 */
export function lossUnprovable(view: HistoryView, entity: string, dlqToo: boolean, owedSince: number, sentAt: number): Unprovable | undefined {
  for (const source of dlqToo ? [entity, `${entity}#dlq`] : [entity]) {
    const start = view.lastDrainStart.get(source);
    if (start === undefined) return { why: "no-drain", source };
    if (start <= owedSince) return { why: "drain-before-ack", source, drainStart: start };
  }
  const read = mayHaveTaken(view, entity, sentAt) ?? (dlqToo ? mayHaveTaken(view, `${entity}#dlq`, sentAt) : undefined);
  return read ? { why: "indeterminate-read", source: read.source, read } : undefined;
}

/** One sentence for an Unprovable. */
export function describeUnprovable(u: Unprovable): string {
  switch (u.why) {
    case "no-drain":
      return `no completed final drain of ${u.source} proves it gone`;
    case "drain-before-ack":
      return `the last drain of ${u.source} began before the send was acknowledged, so it proves nothing`;
    case "indeterminate-read":
      return `an indeterminate destructive read of ${u.source} (index ${u.read.index}, no reply) may have taken and deleted it`;
  }
}
