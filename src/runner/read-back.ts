import type { EntitySpec, QueueSpec } from "../core/entities.js";

type Settings = Omit<QueueSpec, "kind" | "name">;
const MODELLED = ["lockDurationMs", "maxDeliveryCount", "orderedKeys", "duplicateDetectionMs"] as const;

/** Declared settings of every address: queues, topics and topic/subscriptions. */
function declared(entities: readonly EntitySpec[]): [string, Settings & { native?: Record<string, unknown> }][] {
  return entities.flatMap((e) =>
    e.kind === "queue" ? [[e.name, e] as [string, Settings]] : [[e.name, { ...(e.native ? { native: e.native } : {}) }] as [string, Settings], ...e.subscriptions.map((s) => [`${e.name}/${s.name}`, s] as [string, Settings])],
  );
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Declared settings the broker did not keep, each as "address: setting declared X, broker has Y"
 * (the read-back of Driver.describe). A setting the driver could not read back is not judged; a
 * native setting is judged when the read-back names it.
 */
export function settingMismatches(entities: readonly EntitySpec[], described: Record<string, Record<string, unknown>>): string[] {
  const out: string[] = [];
  for (const [address, s] of declared(entities)) {
    const got = described[address];
    if (!got) continue;
    for (const k of MODELLED) {
      const want = s[k];
      if (want !== undefined && k in got && !same(got[k], want)) out.push(`${address}: ${k} declared ${JSON.stringify(want)}, broker has ${JSON.stringify(got[k])}`);
    }
    const native = got.native as Record<string, unknown> | undefined;
    for (const [k, want] of Object.entries(s.native ?? {})) {
      if (native && k in native && !same(native[k], want)) out.push(`${address}: ${k} declared ${JSON.stringify(want)}, broker has ${JSON.stringify(native[k])}`);
    }
  }
  return out;
}
