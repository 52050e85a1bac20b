/** `--native`: the broker's own perf tool on the same broker with the same settings, and Gauntlet as a ratio to it. */
export type NativeTool = "kafka-producer-perf-test" | "rabbitmq-perf-test";

export interface NativeRun {
  size: number;
  /** The command line (password redacted). */
  command: string;
  /** The settings the tool ran with (acks, idempotence, in-flight, queue type, records, seconds ...). */
  settings: Record<string, unknown>;
  /** The tool's throughput as Gauntlet reads it (see `how`). */
  msgsPerSec: number;
  mbPerSec: number;
  /** How msgsPerSec was read from the tool's output. */
  how: string;
  /** The tool's own summary line(s), verbatim. */
  toolSummary: string;
  /** The Gauntlet cell it is compared with, and that cell's msgs/s. */
  gauntletCell: string | null;
  gauntletMsgsPerSec: number | null;
  /** gauntletMsgsPerSec ÷ msgsPerSec (null when no comparable cell). */
  ratio: number | null;
  /** Why that cell is the comparable one. */
  comparison: string;
  /**
   * The twin cell of the matrix, measured while Gauntlet's consumer read every message in the same
   * process, beside the producer-only run the ratio is taken from (`gauntletCell`).
   */
  /** The producer-only twin's own timing (the matrix's cells use the run's --duration and --warmup). */
  gauntletTiming?: { warmupS: number; measuredS: number; readBack: string };
  withConsumer?: { gauntletCell: string; gauntletMsgsPerSec: number; ratio: number | null };
  /** Set when the ratio is outside 0.5–1.5: the comparison is suspect, and the likely cause. */
  suspect?: string;
}

export interface NativeComparison {
  tool: NativeTool;
  toolVersion: string;
  /** One run per payload size of the matrix. */
  runs: NativeRun[];
  /** The first run's figures (the first --sizes value), for scripts. */
  msgsPerSec: number;
  gauntletMsgsPerSec: number | null;
  gauntletCell: string | null;
  ratio: number | null;
}
