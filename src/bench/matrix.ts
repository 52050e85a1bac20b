import { UsageError } from "../core/errors.js";
import { HEADER_BYTES } from "./measure/payload.js";
import { type CellSpec, SEND_MODES, type SendMode } from "./types.js";

/** Modest defaults: the whole default matrix takes about 25 s on memory://. */
export const DEFAULTS = {
  sizes: [100, 1024],
  inFlight: [10, 100],
  batch: [10, 100],
  durationMs: 2_000,
  warmupMs: 500,
  modes: [...SEND_MODES],
} as const;

export interface MatrixOptions {
  sizes: readonly number[];
  inFlight: readonly number[];
  batch: readonly number[];
  modes: readonly SendMode[];
}

/** The cell id compare matches on: mode/size/N. */
export function cellId(mode: SendMode, size: number, n: number): string {
  return `${mode}/${size}/${n}`;
}

/**
 * The matrix, grouped by payload size: sequential (N=1), pipelined × in-flight limits,
 * batched × batch sizes, and one fire-and-forget cell (N=0: unbounded) per size.
 */
export function buildMatrix(o: MatrixOptions): CellSpec[] {
  const cells: CellSpec[] = [];
  const add = (mode: SendMode, size: number, n: number) => o.modes.includes(mode) && cells.push({ id: cellId(mode, size, n), mode, size, n });
  for (const size of o.sizes) {
    add("sequential", size, 1);
    for (const n of o.inFlight) add("pipelined", size, n);
    for (const n of o.batch) add("batched", size, n);
    add("fire-and-forget", size, 0);
  }
  return cells;
}

/** `--sizes 100,1024`: positive whole numbers within [min, max]. */
export function parseList(option: string, text: string | undefined, fallback: readonly number[], min: number, max: number): number[] {
  if (text === undefined) return [...fallback];
  const items = text.split(",").map((s) => s.trim()).filter(Boolean);
  const values = items.map(Number);
  const bad = items.find((s, i) => !Number.isInteger(values[i]) || values[i]! < min || values[i]! > max);
  if (bad !== undefined || values.length === 0) throw new UsageError(`${option}: "${bad ?? text}" is not a whole number from ${min} to ${max}`, `e.g. ${option} ${fallback.join(",")}`);
  return [...new Set(values)];
}

/** `--sizes`: at least the 16-byte stamp header. */
export function parseSizes(text: string | undefined): number[] {
  return parseList("--sizes", text, DEFAULTS.sizes, HEADER_BYTES, 64 * 1024 * 1024);
}

/** `--modes sequential,pipelined`. */
export function parseModes(text: string | undefined): SendMode[] {
  if (text === undefined) return [...DEFAULTS.modes];
  const names = [...new Set(text.split(",").map((s) => s.trim()).filter(Boolean))];
  const bad = names.find((n) => !(SEND_MODES as readonly string[]).includes(n));
  if (bad !== undefined || names.length === 0) throw new UsageError(`--modes: unknown mode "${bad ?? text}"`, `expected some of ${SEND_MODES.join(", ")}`);
  return names as SendMode[];
}

/** `5s`, `500ms`, `1m`, `0.5s` → milliseconds. */
export function parseDuration(option: string, text: string | undefined, fallbackMs: number, minMs = 0): number {
  if (text === undefined) return fallbackMs;
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m)$/.exec(text.trim());
  const ms = m ? Number(m[1]) * { ms: 1, s: 1000, m: 60_000 }[m[2] as "ms"] : NaN;
  if (!Number.isFinite(ms) || ms < minMs || ms > 3_600_000) throw new UsageError(`${option}: "${text}" is not a duration`, `e.g. ${option} 5s or ${option} 500ms`);
  return Math.round(ms);
}
