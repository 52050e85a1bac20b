import type { NativeMeasurement, NativeTool } from "../../core/environment.js";
import { UsageError } from "../../core/errors.js";
import { checkBroker } from "../../environments/start.js";
import { bestPerSize, modeLabel } from "../report/format.js";
import type { BenchSettings, CellResult } from "../types.js";
import type { NativeComparison, NativeRun } from "./types.js";

export type { NativeComparison, NativeRun } from "./types.js";

/** The family's native tool from the registry, or exit 3 naming the families that have one. */
function nativeTool(broker: string): NativeTool {
  const { scheme, family } = checkBroker(broker);
  const tool = family.bench?.native;
  if (!tool) throw new UsageError(`--native: ${scheme}:// has no native perf tool to compare with`, "--native runs kafka-producer-perf-test for kafka:// and RabbitMQ PerfTest for amqp://; drop --native here");
  return tool;
}

/** Fail before the matrix runs: the broker has no native tool, or the tool cannot be had. */
export async function prepareNative(broker: string, log: (line: string) => void): Promise<void> {
  await nativeTool(broker).prepare(log);
}

/**
 * Run the broker's own perf tool (its registry entry's `bench.native`) once per payload size of
 * the matrix, on the same broker with the same settings, after Gauntlet's cells (the broker is
 * quiet again), and compare with the tool's twin cell (RabbitMQ PerfTest -c K is exactly
 * Gauntlet's pipelined cell with K in flight) or else Gauntlet's fastest honest cell of that size
 * (kafka-producer-perf-test batches inside the Java client).
 */
export async function runNative(broker: string, cells: readonly CellResult[], settings: Pick<BenchSettings, "sizes" | "inFlight" | "durationMs">, log: (line: string) => void): Promise<NativeComparison> {
  const tool = nativeTool(broker);
  const { url } = checkBroker(broker);
  const best = bestPerSize(cells);
  const runs: NativeRun[] = [];
  for (const size of settings.sizes) {
    const top = best.get(size);
    const seconds = Math.max(1, (top?.measuredMs ?? settings.durationMs) / 1000);
    const m = await tool.measure(broker, url, { size, seconds, inFlight: Math.max(...settings.inFlight), ...(top ? { rateHint: top.achievedRate } : {}) }, log);
    const twin = m.twin && cells.find((c) => c.mode === m.twin!.mode && c.size === size && c.n === m.twin!.n && c.acked > 0);
    runs.push(nativeRun(size, m, twin || top, twin ? m.comparison.twin! : m.comparison.fastest));
  }
  const first = runs[0]!;
  return {
    tool: tool.name as NativeComparison["tool"],
    toolVersion: tool.version,
    runs,
    msgsPerSec: first.msgsPerSec,
    gauntletMsgsPerSec: first.gauntletMsgsPerSec,
    gauntletCell: first.gauntletCell,
    ratio: first.ratio,
  };
}

const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;

function nativeRun(size: number, m: NativeMeasurement, cell: CellResult | undefined, comparison: string): NativeRun {
  const { msgsPerSec } = m;
  return {
    size,
    command: m.command,
    settings: m.settings,
    msgsPerSec,
    mbPerSec: m.mbPerSec,
    how: m.how,
    toolSummary: m.summary,
    gauntletCell: cell ? `${cell.id} (${modeLabel(cell)})` : null,
    gauntletMsgsPerSec: cell ? cell.achievedRate : null,
    ratio: cell && msgsPerSec > 0 ? round(cell.achievedRate / msgsPerSec) : null,
    comparison,
  };
}
