import { readFile } from "node:fs/promises";
import type { Op } from "../core/history.js";
import { HistoryFormatError, UsageError } from "../core/errors.js";
import { opSchema } from "./schema.js";

/** Parse JSONL text into ops, validating each line; errors name the file and line number. */
export function parseHistory(text: string, file = "<history>"): Op[] {
  const ops: Op[] = [];
  let lineNo = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    lineNo += 1;
    const line = text.slice(start, end).trim();
    start = end + 1;
    if (line === "") continue;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (err) {
      throw new HistoryFormatError(file, lineNo, `not valid JSON (${(err as Error).message})`);
    }
    const parsed = opSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? `field "${issue.path.join(".")}"` : "op";
      throw new HistoryFormatError(file, lineNo, `${where}: ${issue?.message ?? "invalid op"}`);
    }
    ops.push(parsed.data as Op);
  }
  return ops;
}

/** Read and parse a history.jsonl file. */
export async function readHistory(path: string): Promise<Op[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read history ${path}: ${code === "ENOENT" ? "no such file" : (err as Error).message}`, code === "ENOENT" ? "check the path; gauntlet run writes reports/<run-id>/history.jsonl" : "check the file can be read");
  }
  return parseHistory(text, path);
}

/**
 * Split a file's ops into runs by their `run` field (ops without one form a single run),
 * keeping first-appearance order.
 */
export function splitRuns(ops: readonly Op[]): Map<string, Op[]> {
  const runs = new Map<string, Op[]>();
  for (const op of ops) {
    const id = op.run ?? "";
    let list = runs.get(id);
    if (!list) runs.set(id, (list = []));
    list.push(op);
  }
  return runs;
}
