import type { ClaimValue, HydrateValue, Op, ReceiveValue, SendValue, SettleValue, StoreValue, UploadValue } from "../core/history.js";

/** A claim-check run's store traffic, read from the history (the runner's upload, hydrate, delete and store ops). */
export interface ClaimCheckOps {
  /** Messages sent (ok or info send completions) with their claim, by id: what a reference must hydrate to. */
  sent: Map<string, { claim: ClaimValue; size?: number; index: number; target: string }>;
  /** ok upload completions. */
  uploads: { value: UploadValue; index: number }[];
  /** ok hydrate completions. */
  hydrates: { value: HydrateValue; index: number; process: string }[];
  /** Copy `id@entity` → history indexes of its ok complete settlements. */
  completedAt: Map<string, number[]>;
  /** Copy `id@entity` → history indexes of drain ops that removed it. */
  drainedAt: Map<string, number[]>;
  /** Copies (`id@entity`) the broker delivered (ok receive or drain), with the first delivering op's index. */
  delivered: Map<string, number>;
  /** The last ok `store` completion (what was left after the cleanup window). */
  store?: { value: StoreValue; index: number };
  /** True when the history is a claim-check run's (some send carries a claim). */
  any: boolean;
}

export const copyKey = (id: string, entity: string) => `${id}@${entity}`;

const cache = new WeakMap<readonly Op[], { ops: ClaimCheckOps; length: number; last: Op | undefined }>();

/**
 * Collect a history's claim-check ops in one pass, once per history array (the four claim-check
 * checkers share it; an array that grew since gets a fresh pass). A history in which no send
 * carries a claim is not a claim-check run: only `any: false` is returned, nothing is indexed.
 */
export function claimCheckOps(history: readonly Op[]): ClaimCheckOps {
  const last = history[history.length - 1];
  const hit = cache.get(history);
  if (hit && hit.length === history.length && hit.last === last) return hit.ops;
  const ops = hasClaims(history) ? collect(history) : empty();
  cache.set(history, { ops, length: history.length, last });
  return ops;
}

const empty = (): ClaimCheckOps => ({ sent: new Map(), uploads: [], hydrates: [], completedAt: new Map(), drainedAt: new Map(), delivered: new Map(), any: false });

/** True when an ok or info send carries a claim (what sets `any`). */
function hasClaims(history: readonly Op[]): boolean {
  for (const op of history) {
    if (op.f !== "send" || op.type === "invoke" || op.type === "fail") continue;
    for (const m of (op.value as SendValue).messages ?? []) if (m.claim) return true;
  }
  return false;
}

function collect(history: readonly Op[]): ClaimCheckOps {
  const out = empty();
  const add = (map: Map<string, number[]>, id: string, entity: string, index: number) => {
    const k = copyKey(id, entity);
    const list = map.get(k);
    if (list) list.push(index);
    else map.set(k, [index]);
  };
  for (const op of history) {
    if (op.type === "invoke" || op.type === "fail") continue;
    if (op.f === "send") {
      const v = op.value as SendValue;
      for (const m of v.messages ?? []) {
        if (!m.claim) continue;
        out.any = true;
        if (!out.sent.has(m.id)) out.sent.set(m.id, { claim: m.claim, ...(m.size !== undefined ? { size: m.size } : {}), index: op.index, target: v.target });
      }
    }
    if (op.type !== "ok") continue;
    if (op.f === "upload") out.uploads.push({ value: op.value as UploadValue, index: op.index });
    else if (op.f === "hydrate") out.hydrates.push({ value: op.value as HydrateValue, index: op.index, process: op.process });
    else if (op.f === "store") out.store = { value: op.value as StoreValue, index: op.index };
    else if (op.f === "settle" && (op.value as SettleValue).outcome === "complete") add(out.completedAt, (op.value as SettleValue).id, (op.value as SettleValue).entity, op.index);
    else if (op.f === "drain") for (const d of (op.value as ReceiveValue).deliveries ?? []) add(out.drainedAt, d.id, d.entity, op.index);
    if (op.f === "receive" || op.f === "drain") for (const d of (op.value as ReceiveValue).deliveries ?? []) if (!out.delivered.has(copyKey(d.id, d.entity))) out.delivered.set(copyKey(d.id, d.entity), op.index);
  }
  return out;
}

/** Whether copy `id@entity` was settled before history index `at`: completed, or drained and then hydrated (consumed). */
export function settledBefore(ops: ClaimCheckOps, id: string, entity: string, at: number): boolean {
  const key = copyKey(id, entity);
  if ((ops.completedAt.get(key) ?? []).some((i) => i < at)) return true;
  const drains = ops.drainedAt.get(key) ?? [];
  return ops.hydrates.some((h) => h.index < at && h.value.found === true && copyKey(h.value.id, h.value.entity) === key && drains.some((d) => d < h.index));
}
