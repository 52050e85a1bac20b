import { jsonEqual } from "./json.js";
import type { Json } from "./types.js";

/** The kinds of mistake a certify verdict names. */
export type MistakeKind = "effect duplicated" | "effect lost" | "effect lost after a failed attempt" | "effect not durable across a restart" | "order broken" | "effect differs";

/** One named mistake with the JSON path where it shows. */
export interface Mistake {
  kind: MistakeKind;
  path: string;
  detail: string;
}

/** What the case did besides the snapshots: which ids had a failed attempt, and whether effects survive a restart. */
export interface MistakeEvidence {
  failedAttempts: readonly string[];
  /** False when a probe (reference run, restart, snapshot) lost effects: the handler keeps them in memory only. */
  durable: boolean;
}

/**
 * Name the mistakes behind a difference between the expected snapshot (each message processed
 * exactly once, in order) and the actual one: more than expected is a duplicated effect, less a
 * lost one (after a failed attempt when one happened, or not durable when a restart drops
 * effects), the same elements in another order a broken order.
 */
export function classifyMistakes(expected: Json, actual: Json, evidence: MistakeEvidence): Mistake[] {
  const raw: Mistake[] = [];
  walk(expected, actual, "$", raw);
  const lost: MistakeKind = !evidence.durable ? "effect not durable across a restart" : evidence.failedAttempts.length > 0 ? "effect lost after a failed attempt" : "effect lost";
  const named = raw.map((m) => (m.kind === "effect lost" ? { ...m, kind: lost, detail: lost === "effect lost after a failed attempt" ? `${m.detail} (a delivery of ${evidence.failedAttempts.join(", ")} threw, and its redelivery did not redo the effect)` : m.detail } : m));
  return named;
}

function walk(e: Json | undefined, a: Json | undefined, path: string, out: Mistake[]): void {
  if (e === undefined && a === undefined) return;
  if (jsonEqual(e ?? null, a ?? null) && (e === undefined) === (a === undefined)) return;
  if (e === undefined) return void out.push({ kind: "effect duplicated", path, detail: `unexpected ${JSON.stringify(a)}` });
  if (a === undefined) return void out.push({ kind: "effect lost", path, detail: `missing ${JSON.stringify(e)}` });
  if (typeof e === "number" && typeof a === "number") {
    return void out.push({ kind: a > e ? "effect duplicated" : "effect lost", path, detail: `expected ${e}, got ${a}` });
  }
  if (Array.isArray(e) && Array.isArray(a)) return void out.push(compareArrays(e, a, path));
  if (isObject(e) && isObject(a)) {
    for (const k of new Set([...Object.keys(e), ...Object.keys(a)])) walk(e[k], a[k], `${path}.${k}`, out);
    return;
  }
  out.push({ kind: "effect differs", path, detail: `expected ${JSON.stringify(e)}, got ${JSON.stringify(a)}` });
}

function compareArrays(e: Json[], a: Json[], path: string): Mistake {
  const key = (v: Json) => JSON.stringify(v);
  const remaining = new Map<string, number>();
  for (const v of e) remaining.set(key(v), (remaining.get(key(v)) ?? 0) + 1);
  let extra = 0;
  for (const v of a) {
    const n = remaining.get(key(v)) ?? 0;
    if (n > 0) remaining.set(key(v), n - 1);
    else extra += 1;
  }
  const missing = [...remaining.values()].reduce((s, n) => s + n, 0);
  const shown = `expected ${JSON.stringify(e)}, got ${JSON.stringify(a)}`;
  if (missing === 0 && extra === 0) return { kind: "order broken", path, detail: shown };
  if (missing === 0) return { kind: "effect duplicated", path, detail: shown };
  if (extra === 0) return { kind: "effect lost", path, detail: shown };
  return { kind: "effect differs", path, detail: shown };
}

function isObject(v: Json): v is { [key: string]: Json } {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The distinct kinds, in a stable order, for one-line summaries. */
export function mistakeKinds(mistakes: readonly Mistake[]): MistakeKind[] {
  return [...new Set(mistakes.map((m) => m.kind))];
}
