import type { DiffEntry, Json } from "./types.js";

/** Where `value` stops being plain JSON (`$.a[2]`), or undefined when it is plain JSON. */
export function nonJsonPath(value: unknown, path = "$", seen = new Set<object>()): string | undefined {
  if (value === null || typeof value === "string" || typeof value === "boolean") return undefined;
  if (typeof value === "number") return Number.isFinite(value) ? undefined : path;
  if (typeof value !== "object") return path;
  if (seen.has(value)) return path;
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const bad = nonJsonPath(value[i], `${path}[${i}]`, seen);
        if (bad) return bad;
      }
      return undefined;
    }
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return path;
    for (const [k, v] of Object.entries(value)) {
      const bad = nonJsonPath(v, joinPath(path, k), seen);
      if (bad) return bad;
    }
    return undefined;
  } finally {
    seen.delete(value);
  }
}

/** Deep equality of two JSON values (object key order ignored). */
export function jsonEqual(a: Json, b: Json): boolean {
  return diffJson(a, b, 1).length === 0;
}

/**
 * Structural difference of two JSON values: the paths where they differ, each with the expected
 * and actual value there (absent = missing). At most `cap` entries.
 */
export function diffJson(expected: Json, actual: Json, cap = 20): DiffEntry[] {
  const out: DiffEntry[] = [];
  walk(expected, actual, "$", out, cap);
  return out;
}

function walk(e: Json | undefined, a: Json | undefined, path: string, out: DiffEntry[], cap: number): void {
  if (out.length >= cap) return;
  if (e === undefined || a === undefined) {
    const entry: DiffEntry = { path };
    if (e !== undefined) entry.expected = e;
    if (a !== undefined) entry.actual = a;
    out.push(entry);
    return;
  }
  if (Array.isArray(e) && Array.isArray(a)) {
    for (let i = 0; i < Math.max(e.length, a.length); i++) walk(e[i], a[i], `${path}[${i}]`, out, cap);
    return;
  }
  if (isObject(e) && isObject(a)) {
    const keys = [...new Set([...Object.keys(e), ...Object.keys(a)])].sort();
    for (const k of keys) walk(e[k], a[k], joinPath(path, k), out, cap);
    return;
  }
  if (e !== a) out.push({ path, expected: e, actual: a });
}

function isObject(v: Json): v is { [key: string]: Json } {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function joinPath(path: string, key: string): string {
  const part = /^[A-Za-z_$][\w$-]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
  return path === "$" ? (part.startsWith(".") ? part.slice(1) : `$${part}`) : `${path}${part}`;
}

/** One diff entry as a line: `balances.k1: expected 1, actual 2`. */
export function formatDiffEntry(d: DiffEntry): string {
  const show = (v: Json | undefined) => (v === undefined ? "(missing)" : JSON.stringify(v));
  return `${d.path}: expected ${show(d.expected)}, actual ${show(d.actual)}`;
}
