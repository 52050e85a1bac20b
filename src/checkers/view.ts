import type { CheckContext } from "../core/checker.js";
import { NS_PER_MS } from "../core/clock.js";
import type { History } from "../core/history.js";
import type { SetupValue } from "../core/setup.js";
import { settingsOf } from "../core/entities.js";
import { buildView, type HistoryView } from "../history/views.js";

const views = new WeakMap<History, { view: HistoryView; length: number; last: unknown }>();

/**
 * The shared HistoryView of `history`, built once per history array (and setup) and reused by
 * every checker that asks, so compose() pays for the indexes once. An array that grew since
 * (a live recorder log) gets a fresh view.
 */
export function viewOf(history: History, context?: Partial<CheckContext>): HistoryView {
  const setup = context?.setup;
  const last = history[history.length - 1];
  const hit = views.get(history);
  if (hit && hit.length === history.length && hit.last === last && (setup === undefined || setup === hit.view.setup)) return hit.view;
  const view = buildView(history, setup);
  views.set(history, { view, length: history.length, last });
  return view;
}

/** Clock tolerance ε in nanoseconds (setup.clockToleranceMs, default 0). */
export function toleranceNs(setup: SetupValue): number {
  return (setup.clockToleranceMs ?? 0) * NS_PER_MS;
}

/** Whether a crash of its holder ends a lock on `entity` (all locks, or a session's on an orderedKeys entity). */
export function releasedOnCrash(setup: SetupValue, entity: string): boolean {
  return setup.locksReleasedOnCrash === true || (setup.sessionLocksReleasedOnCrash === true && settingsOf(entity, setup.entities)?.orderedKeys === true);
}
