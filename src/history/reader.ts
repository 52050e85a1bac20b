import { readFile } from "node:fs/promises";
import type { Op } from "../core/history.js";
import { HistoryFormatError, UsageError } from "../core/errors.js";
import { HistoryRules } from "./rules.js";
import { opSchema } from "./schema.js";

/**
 * Parse JSONL text into ops, validating each line's shape, its value's shape for its `f`, and
 * the format rules (HISTORY_RULES); errors name the file, the line, the field and the rule.
 */
export function parseHistory(text: string, file = "<history>"): Op[] {
  const ops: Op[] = [];
  const rules = new HistoryRules();
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
      throw new HistoryFormatError(file, lineNo, `${where}: ${issue?.message ?? "invalid op"} (rule: line-shape)`);
    }
    const op = parsed.data as Op;
    const broken = rules.check(op);
    if (broken) throw new HistoryFormatError(file, lineNo, `field "${broken.field}": ${broken.detail} (rule: ${broken.rule})`);
    ops.push(op);
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
