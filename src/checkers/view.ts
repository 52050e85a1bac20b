import type { CheckContext } from "../core/checker.js";
import { NS_PER_MS } from "../core/clock.js";
import type { History } from "../core/history.js";
import type { SetupValue } from "../core/setup.js";
import { buildView, type HistoryView } from "../history/views.js";

const views = new WeakMap<History, HistoryView>();

/**
 * The shared HistoryView of `history`, built once per history array (and setup) and reused by
 * every checker that asks, so compose() pays for the indexes once.
 */
export function viewOf(history: History, context?: Partial<CheckContext>): HistoryView {
  const setup = context?.setup;
  const hit = views.get(history);
  if (hit && (setup === undefined || setup === hit.setup)) return hit;
  const view = buildView(history, setup);
  views.set(history, view);
  return view;
}

/** Clock tolerance ε in nanoseconds (setup.clockToleranceMs, default 0). */
export function toleranceNs(setup: SetupValue): number {
  return (setup.clockToleranceMs ?? 0) * NS_PER_MS;
}
