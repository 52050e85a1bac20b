import type { CellResult, CellSpec } from "./types.js";

/** One stderr line per cell (rewritten in place on a terminal); silent when disabled. */
export class BenchProgress {
  constructor(
    private readonly enabled: boolean,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  start(cell: CellSpec, index: number, total: number): void {
    if (this.enabled && this.stream.isTTY) this.stream.write(`\r\x1b[2Kcell ${index + 1}/${total} ${cell.id} ...`);
  }

  done(cell: CellResult, index: number, total: number): void {
    if (!this.enabled) return;
    const flags = cell.flags.length ? ` [${cell.flags.join(", ")}]` : "";
    const text = `cell ${index + 1}/${total} ${cell.id}: ${Math.round(cell.achievedRate).toLocaleString("en-US")} msgs/s, publish p99 ${cell.publish.p99 / 1000} ms${flags}`;
    this.stream.write(this.stream.isTTY ? `\r\x1b[2K${text}\n` : `${text}\n`);
  }
}
