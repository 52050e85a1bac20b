import { FAULT_NAMES, type FaultName, isFaultName } from "../core/faults.js";
import { UsageError } from "../core/errors.js";

export { shellQuote } from "../report/shell-quote.js";

/** Parse a positive integer option, naming the option in the error. */
export function positiveInt(name: string, raw: string | undefined, fallback: number, max = 1_000_000): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new UsageError(`${name}: "${raw}" is not a whole number from 1 to ${max}`, `e.g. ${name} ${fallback}`);
  return n;
}

/** Parse --seed (any 32-bit integer); a fresh random seed when absent. */
export function seedOption(raw: string | undefined): number {
  if (raw === undefined) return Math.floor(Math.random() * 2 ** 31);
  const n = Number(raw);
  if (!Number.isInteger(n) || n < -(2 ** 31) || n >= 2 ** 31) throw new UsageError(`--seed: "${raw}" is not a 32-bit integer`, "e.g. --seed 42");
  return n;
}

/** Should output be coloured? Only on a TTY, and never with NO_COLOR. */
export function useColor(): boolean {
  return Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
}


/** `--faults a,b`: known fault names (see docs/faults.md), deduplicated. */
export function parseFaults(text: string | undefined): FaultName[] {
  if (text === undefined) return [];
  const names = [...new Set(text.split(",").map((n) => n.trim()).filter(Boolean))];
  for (const n of names) {
    if (!isFaultName(n)) throw new UsageError(`--faults: unknown fault "${n}"`, `expected some of ${FAULT_NAMES.join(", ")}`);
  }
  if (names.length === 0) throw new UsageError("--faults: no fault named", `e.g. --faults reset-peer,latency`);
  return names as FaultName[];
}
