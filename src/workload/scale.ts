import type { EntitySpec } from "../core/entities.js";
import type { ConsumerAction, Scenario } from "../core/scenario.js";

const lock = <T extends { lockDurationMs?: number }>(s: T, k: number): T => (s.lockDurationMs === undefined ? s : { ...s, lockDurationMs: s.lockDurationMs * k });

function scaleAction(a: ConsumerAction, k: number): ConsumerAction {
  const scaled = { ...a, handleMs: a.handleMs * k };
  if (scaled.kind === "crash") scaled.restartMs *= k;
  if (scaled.kind === "renew") scaled.renewEveryMs *= k;
  return scaled;
}

/**
 * Stretch every duration of a scenario by `k` (locks, handler times, delays, deadline, faults).
 * Suites are written in the embedded broker's virtual milliseconds; a real broker reached through
 * an SDK needs more room (connecting a client alone takes ~100 ms), and the proportions between
 * handler time and lock duration, which decide what a scenario tests, are kept.
 */
export function scaleScenario(s: Scenario, k: number): Scenario {
  if (k === 1) return s;
  const entities = s.settingsAsDeclared ? s.entities : s.entities.map((e): EntitySpec => (e.kind === "queue" ? lock(e, k) : { ...e, subscriptions: e.subscriptions.map((x) => lock(x, k)) }));
  return {
    ...s,
    entities,
    producers: s.producers.map((p) => ({ ...p, sends: p.sends.map((x) => ({ ...x, delayMs: x.delayMs * k })) })),
    consumers: s.consumers.map((c) => ({ ...c, startDelayMs: c.startDelayMs * k, actions: c.actions.map((a) => scaleAction(a, k)) })),
    durationMs: s.durationMs * k,
    ...(s.faults ? { faults: s.faults.map((f) => ({ ...f, atMs: f.atMs * k, durationMs: f.durationMs * k })) } : {}),
  };
}
