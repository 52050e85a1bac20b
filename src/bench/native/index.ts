import type { NativeMeasurement, NativeTool } from "../../core/environment.js";
import { UsageError } from "../../core/errors.js";
import { checkBroker } from "../../environments/start.js";
import { bestPerSize, modeLabel } from "../report/format.js";
import type { BenchSettings, CellResult, CellSpec } from "../types.js";
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
export async function runNative(
  broker: string,
  cells: readonly CellResult[],
  settings: Pick<BenchSettings, "sizes" | "inFlight" | "durationMs"> & Partial<Pick<BenchSettings, "batch" | "modes">>,
  log: (line: string) => void,
  /** Runs the twin cell again with nothing consumed while it is measured (the native tools consume nothing). */
  producerOnly?: (twin: CellSpec) => Promise<CellResult>,
): Promise<NativeComparison> {
  const tool = nativeTool(broker);
  const { url } = checkBroker(broker);
  const best = bestPerSize(cells);
  const runs: NativeRun[] = [];
  for (const size of settings.sizes) {
    const top = best.get(size);
    const seconds = Math.max(1, (top?.measuredMs ?? settings.durationMs) / 1000);
    const m = await tool.measure(broker, url, { size, seconds, inFlight: Math.max(...settings.inFlight), ...(settings.batch?.length && (settings.modes ?? ["batched"]).includes("batched") ? { batch: Math.max(...settings.batch) } : {}), ...(top ? { rateHint: top.achievedRate } : {}) }, log);
    const twin = m.twin && cells.find((c) => c.mode === m.twin!.mode && c.size === size && c.n === m.twin!.n && c.acked > 0);
    if (twin && producerOnly) {
      log(`native: Gauntlet's twin cell ${twin.id} again, producer only (read back after sending stops) ...`);
      const alone = await producerOnly({ id: twin.id, mode: twin.mode, size: twin.size, n: twin.n });
      const run = nativeRun(size, m, alone, `${m.comparison.twin!}; run again with nothing consumed while measured, as the tool runs (${(alone.measuredMs / 1000).toFixed(1)} s measured after ${alone.warmupMs / 1000} s warm-up, ${alone.delivered.toLocaleString("en-US")} of ${alone.acked.toLocaleString("en-US")} read back after); the matrix's cell consumed every message in the same process (withConsumer)`);
      const ratio = m.msgsPerSec > 0 ? round(twin.achievedRate / m.msgsPerSec) : null;
      const gauntletTiming = { warmupS: alone.warmupMs / 1000, measuredS: Math.round(alone.measuredMs / 100) / 10, readBack: `${alone.delivered} of ${alone.acked}` };
      runs.push({ ...run, gauntletTiming, withConsumer: { gauntletCell: `${twin.id} (${modeLabel(twin)})`, gauntletMsgsPerSec: twin.achievedRate, ratio } });
      continue;
    }
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
    gauntletCell: cell ? `${cell.id} (${modeLabel(cell)}${cell.producerOnly ? ", producer only" : ""})` : null,
    gauntletMsgsPerSec: cell ? cell.achievedRate : null,
    ratio: cell && msgsPerSec > 0 ? round(cell.achievedRate / msgsPerSec) : null,
    comparison,
    ...suspectIf(cell && msgsPerSec > 0 ? cell.achievedRate / msgsPerSec : null, cell, m),
  };
}

/** Ratios a like-for-like comparison stays within; outside them the two sides did not run the same thing. */
export const TRUSTED_RATIO = { min: 0.5, max: 1.5 } as const;

/**
 * A ratio outside 0.5–1.5 is not a finding about the broker: either Gauntlet's load generator (or
 * its client library) is the bottleneck, or the native tool ran something easier or harder than
 * Gauntlet's cell. Names the likely cause from what each side reported.
 */
export function suspectIf(ratio: number | null, cell: Pick<CellResult, "flags" | "mode" | "n" | "measuredMs" | "producerOnly"> | undefined, m: Pick<NativeMeasurement, "settings">): { suspect?: string } {
  if (ratio === null || (ratio >= TRUSTED_RATIO.min && ratio <= TRUSTED_RATIO.max)) return {};
  const causes: string[] = [];
  const seconds = Number(m.settings.seconds ?? m.settings.durationS ?? NaN);
  if (ratio > TRUSTED_RATIO.max) {
    if (Number.isFinite(seconds) && seconds < 10) causes.push(`the native tool ran ${seconds} s, and a JVM still warming up (JIT) in so short a run reports low averages: use --duration 10s or more`);
    const window = m.settings.maxUnconfirmed ?? m.settings.maxInFlight;
    if (window !== undefined && cell && cell.mode !== "sequential" && Number(window) < cell.n) causes.push(`the tool's in-flight window (${String(window)}) is smaller than the cell's (${cell.n})`);
    if (!causes.length) causes.push("the two sides did not run the same work (message count, confirm window, persistence or queue type differ); compare their settings above");
    return { suspect: `ratio ${ratio.toFixed(2)} > ${TRUSTED_RATIO.max}: Gauntlet cannot be this much faster than the broker's own tool on the same work; likely ${causes.join("; ")}` };
  }
  if (cell?.flags.some((f) => f === "behind-schedule" || f === "event-loop-delay")) causes.push("Gauntlet's generator fell behind (flagged in the cell): the client library or the 2-core host is the bottleneck, not the broker");
  if (m.settings.consumer === undefined && !cell?.producerOnly) causes.push("Gauntlet's cell also consumes every message in the same process (end-to-end latency), which the native tool does not: on a small host that consumer competes with the producer for the event loop and the cores");
  causes.push("the client library's per-request cost and limits (e.g. kafkajs keeps one produce request in flight per idempotent producer and does no internal batching)");
  return { suspect: `ratio ${ratio.toFixed(2)} < ${TRUSTED_RATIO.min}: this measures Gauntlet's client more than the broker; likely ${causes.join("; ")}` };
}
