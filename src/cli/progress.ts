import type { SuiteProgress } from "../runner/run-suite.js";

/**
 * A progress line on stderr: rewritten in place on a terminal, printed every few seconds
 * otherwise (CI logs), silent when disabled.
 */
export class ProgressLine {
  private lastPrint = 0;
  private shown = false;

  constructor(
    private readonly enabled: boolean,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  update(p: SuiteProgress): void {
    if (!this.enabled) return;
    const text = `${p.suite}: run ${p.run}/${p.runs}${p.shrinks ? `, shrinking (${p.shrinks} steps)` : ""}${p.failed ? " — failure found" : ""}`;
    if (this.stream.isTTY) {
      this.stream.write(`\r\x1b[2K${text}`);
      this.shown = true;
      return;
    }
    const now = Date.now();
    if (now - this.lastPrint >= 5_000) {
      this.stream.write(`${text}\n`);
      this.lastPrint = now;
    }
  }

  /** Clear the in-place line before other output. */
  done(): void {
    if (this.shown && this.stream.isTTY) this.stream.write("\r\x1b[2K");
    this.shown = false;
  }
}
