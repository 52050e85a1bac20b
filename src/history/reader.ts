import { closeSync, openSync, readSync } from "node:fs";
import type { Op } from "../core/history.js";
import { HistoryFormatError, UsageError } from "../core/errors.js";
import { fastOpLine } from "./fast-shape.js";
import { HistoryRules } from "./rules.js";
import { opSchema } from "./schema.js";

/**
 * Validates history lines one at a time: each line's shape, its value's shape for its `f`, and
 * the format rules (HISTORY_RULES); errors name the file, the line, the field and the rule.
 * Holds no text: what it keeps is the rules' per-process state.
 */
export class HistoryLineParser {
  private readonly rules = new HistoryRules();
  private lineNo = 0;

  constructor(private readonly file = "<history>") {}

  /** Parse the next line (without its `\n`); undefined for a blank line. */
  line(text: string): Op | undefined {
    this.lineNo += 1;
    const line = text.trim();
    if (line === "") return undefined;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (err) {
      throw new HistoryFormatError(this.file, this.lineNo, `not valid JSON (${(err as Error).message})`);
    }
    const op = fastOpLine(raw) ? (raw as Op) : this.schema(raw);
    const broken = this.rules.check(op);
    if (broken) throw new HistoryFormatError(this.file, this.lineNo, `field "${broken.field}": ${broken.detail} (rule: ${broken.rule})`);
    return op;
  }

  private schema(raw: unknown): Op {
    const parsed = opSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? `field "${issue.path.join(".")}"` : "op";
      throw new HistoryFormatError(this.file, this.lineNo, `${where}: ${issue?.message ?? "invalid op"} (rule: line-shape)`);
    }
    return parsed.data as Op;
  }
}

/**
 * Parse JSONL text into ops, validating each line's shape, its value's shape for its `f`, and
 * the format rules (HISTORY_RULES); errors name the file, the line, the field and the rule.
 */
export function parseHistory(text: string, file = "<history>"): Op[] {
  const ops: Op[] = [];
  const parser = new HistoryLineParser(file);
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    const op = parser.line(text.slice(start, end));
    start = end + 1;
    if (op) ops.push(op);
  }
  return ops;
}

const CHUNK = 1 << 20;

/**
 * Each line of a UTF-8 file, read in 1 MiB chunks: the file is never held whole, so a history
 * larger than the largest string V8 allows (about 512 MiB) still reads. A `\n` byte never occurs
 * inside a multi-byte UTF-8 sequence, so each chunk is cut at its last newline.
 */
export function* fileLines(path: string): Generator<string> {
  const fd = openSync(path, "r");
  try {
    let buffer = Buffer.allocUnsafe(CHUNK);
    let held = 0;
    for (;;) {
      if (held === buffer.length) {
        const bigger = Buffer.allocUnsafe(buffer.length * 2); // one line longer than the buffer
        buffer.copy(bigger, 0, 0, held);
        buffer = bigger;
      }
      const n = readSync(fd, buffer, held, buffer.length - held, null);
      if (n === 0) break;
      const filled = held + n;
      const cut = buffer.lastIndexOf(10, filled - 1);
      if (cut < 0) {
        held = filled;
        continue;
      }
      yield* splitLines(buffer.toString("utf8", 0, cut));
      held = filled - cut - 1;
      buffer.copy(buffer, 0, cut + 1, filled);
    }
    if (held > 0) yield buffer.toString("utf8", 0, held);
  } finally {
    closeSync(fd);
  }
}

function* splitLines(text: string): Generator<string> {
  let start = 0;
  for (;;) {
    const end = text.indexOf("\n", start);
    if (end === -1) {
      yield text.slice(start);
      return;
    }
    yield text.slice(start, end);
    start = end + 1;
  }
}

/** Read and parse a history.jsonl file, line by line (see `fileLines`). */
export async function readHistory(path: string): Promise<Op[]> {
  const ops: Op[] = [];
  const parser = new HistoryLineParser(path);
  try {
    for (const line of fileLines(path)) {
      const op = parser.line(line);
      if (op) ops.push(op);
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (err instanceof HistoryFormatError || typeof code !== "string") throw err;
    throw new UsageError(`cannot read history ${path}: ${code === "ENOENT" ? "no such file" : (err as Error).message}`, code === "ENOENT" ? "check the path; gauntlet run writes reports/<run-id>/history.jsonl" : "check the file can be read");
  }
  return ops;
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
