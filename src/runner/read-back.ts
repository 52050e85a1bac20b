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
const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);
/** A scalar the broker reports as text (Kafka configs: "2", "false") is the declared number or boolean it spells. */
const sameValue = (want: unknown, got: unknown) => same(want, got) || (typeof got === "string" && (typeof want === "number" || typeof want === "boolean") && String(want) === got);

/** Native settings compared key by key, into nested objects (Kafka `configs`, RabbitMQ `arguments`); a key not read back is not judged. */
function nativeMismatches(address: string, path: string, want: Record<string, unknown>, got: Record<string, unknown>, out: string[]): void {
  for (const [k, w] of Object.entries(want)) {
    if (!(k in got)) continue;
    const g = got[k];
    const name = path ? `${path}.${k}` : k;
    if (isRecord(w) && isRecord(g)) nativeMismatches(address, name, w, g, out);
    else if (!sameValue(w, g)) out.push(`${address}: ${name} declared ${JSON.stringify(w)}, broker has ${JSON.stringify(g)}`);
  }
}

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
    if (isRecord(got.native) && s.native) nativeMismatches(address, "", s.native, got.native, out);
  }
  return out;
}
