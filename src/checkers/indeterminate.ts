import type { HistoryView, UncertainRead } from "../history/views.js";

/**
 * The one rule every checker applies to reads whose outcome is unknown (a receive or drain that
 * ended `info`, or never completed). Jepsen's rule for `info`: the operation may take effect at
 * any time after its invocation, even after the client gave up (a request that reaches the
 * broker late), so such a read may have been handed any message at its source, whenever sent.
 * If it deleted what it took (a drain, receive-and-delete, or a mode the history does not name),
 * that message may be gone without a trace: its absence proves nothing. If it only locked it
 * (peek-lock), the message comes back, but the broker may have counted one more delivery attempt
 * than the history shows, and that unseen delivery may have been the message's first.
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

/** The first indeterminate destructive read at `source`, if any: it may have taken any message there. */
export function mayHaveTaken(view: HistoryView, source: string): UncertainRead | undefined {
  const list = readsAt(view, source);
  if (!list) return undefined;
  for (const r of list) if (r.destructive) return r;
  return undefined;
}

/** How many indeterminate reads at `source` (any mode) there were: delivery attempts the history may not show. */
export function unseenAttempts(view: HistoryView, source: string): number {
  return readsAt(view, source)?.length ?? 0;
}

/** The first indeterminate read at `source` invoked before `t`, if any: it may have delivered a message before `t`. */
export function mayHaveDeliveredBefore(view: HistoryView, source: string, t: number): UncertainRead | undefined {
  const list = readsAt(view, source);
  if (!list) return undefined;
  for (const r of list) if (r.invokeTime < t) return r;
  return undefined;
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
 * indeterminate destructive read of it may have taken it.
 */
export function lossUnprovable(view: HistoryView, entity: string, dlqToo: boolean, owedSince: number): Unprovable | undefined {
  for (const source of dlqToo ? [entity, `${entity}#dlq`] : [entity]) {
    const start = view.lastDrainStart.get(source);
    if (start === undefined) return { why: "no-drain", source };
    if (start <= owedSince) return { why: "drain-before-ack", source, drainStart: start };
  }
  const read = mayHaveTaken(view, entity) ?? (dlqToo ? mayHaveTaken(view, `${entity}#dlq`) : undefined);
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
