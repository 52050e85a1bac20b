import type { ReadBack } from "./read-back.js";

/** A plan's queue or exchange as Gauntlet declared it. */
export interface Declared {
  /** The plan's address: queue, topic, or topic/subscription. */
  address: string;
  /** The broker's name of the queue (or exchange) behind it. */
  queue?: string;
  exchange?: string;
  /** The plan's native settings (type, durable, arguments). */
  native: Record<string, unknown>;
  /** The arguments Gauntlet sent (a plan's dead-letter exchange is replaced by Gauntlet's private DLQ route). */
  sent?: Record<string, unknown>;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The read-back in the plan's words, by address (Driver.describe): `native` holds the type,
 * durability and effective arguments, every declared argument included (`null` when the broker
 * does not have it), so a declared setting the broker did not keep is judged by settingMismatches.
 * An argument Gauntlet replaced on purpose (the dead-letter route) and the broker kept is given as
 * declared. When read-back was not possible, each address says so in `readBack`.
 */
export function describeReadBack(declared: readonly Declared[], back: ReadBack): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const d of declared) {
    if ("unavailable" in back) {
      out[d.address] = { readBack: back.unavailable };
      continue;
    }
    if (d.exchange) {
      const x = back.exchanges[d.exchange];
      if (x) out[d.address] = { native: { type: x.type, durable: x.durable } };
      continue;
    }
    const q = back.queues[d.queue ?? ""];
    if (!q) continue;
    const want = (d.native.arguments as Record<string, unknown> | undefined) ?? {};
    const args: Record<string, unknown> = { ...q.arguments };
    for (const [k, w] of Object.entries(want)) {
      const sent = d.sent?.[k];
      if (!(k in args)) args[k] = null;
      else if (!same(sent, w) && same(args[k], sent)) args[k] = w;
    }
    const { arguments: _stored, ...rest } = q;
    out[d.address] = { native: { ...rest, arguments: args } };
  }
  return out;
}
