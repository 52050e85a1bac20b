import { closeSync, openSync, writeSync } from "node:fs";
import type { Op } from "../core/history.js";
import type { OpSink } from "./recorder.js";

/**
 * Streams ops to a JSONL file as they are recorded. Each line is written with a synchronous
 * write, so a crash of the harness loses nothing that was recorded before it.
 */
export class JsonlWriter {
  private fd: number | undefined;

  constructor(readonly path: string) {
    this.fd = openSync(path, "w");
  }

  /** Use as a Recorder sink. */
  readonly sink: OpSink = (op: Op) => {
    if (this.fd === undefined) throw new Error(`history writer for ${this.path} is closed`);
    writeSync(this.fd, `${JSON.stringify(op)}\n`);
  };

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Serialise a history as JSONL text. */
export function toJsonl(ops: Iterable<Op>): string {
  let out = "";
  for (const op of ops) out += `${JSON.stringify(op)}\n`;
  return out;
}
