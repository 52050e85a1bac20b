import { MODE_INFO } from "../modes.js";
import type { CellFlag, CellResult } from "../types.js";

/** Milliseconds from µs, 3 significant decimals at most: 0.012, 1.23, 45.6, 1234. */
export function ms(us: number | undefined | null): string {
  if (us === undefined || us === null) return "-";
  const v = us / 1000;
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toFixed(3);
}

export function rate(v: number): string {
  return Math.round(v).toLocaleString("en-US");
}

export function nLabel(c: Pick<CellResult, "mode" | "n">): string {
  return c.mode === "fire-and-forget" ? "∞" : String(c.n);
}

export function modeLabel(c: Pick<CellResult, "mode" | "n">): string {
  return MODE_INFO[c.mode].label(c.n);
}

/** What each flag means, for the table's legend and the report. */
export const FLAG_TEXT: Record<CellFlag, string> = {
  "anti-pattern": "fire-and-forget: no ack awaited, acks unknown to the sender, losses invisible; never ranked",
  "behind-schedule": "generator fell behind: publish-delay p99 above the send interval (at least 1 ms)",
  "below-target-rate": "achieved rate below 95 % of the target rate",
  "event-loop-delay": "event-loop delay p99 above 20 ms: the generator itself was saturated",
  errors: "some sends failed or were never acknowledged",
  undelivered: "the consumer did not receive every acknowledged message before the drain timeout",
  dropped: "open loop: sends due before the window closed were never started",
};

/** Flags that mean the generator, not the broker, may have shaped the numbers. */
export const GENERATOR_FLAGS: readonly CellFlag[] = ["behind-schedule", "below-target-rate", "event-loop-delay", "dropped"];

export function generatorBehind(c: CellResult): boolean {
  return c.flags.some((f) => GENERATOR_FLAGS.includes(f));
}

/** The fastest honest cell (never fire-and-forget) per payload size. */
export function bestPerSize(cells: readonly CellResult[]): Map<number, CellResult> {
  const best = new Map<number, CellResult>();
  for (const c of cells) {
    if (c.antiPattern || c.acked === 0) continue;
    const b = best.get(c.size);
    if (!b || c.achievedRate > b.achievedRate) best.set(c.size, c);
  }
  return best;
}
