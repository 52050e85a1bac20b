import { redact } from "../environments/url.js";
import { InfrastructureError } from "../core/errors.js";
import type { BenchClient } from "../core/bench-client.js";
import { openBenchClient } from "../environments/start.js";
import { hostInfo } from "./host.js";
import { HEADER_BYTES, payloadTemplate, readStamp, stampPayload } from "./measure/payload.js";
import type { CellRecorder } from "./measure/recorder.js";
import { nowNs } from "./measure/time.js";
import { type CellTiming, runCell } from "./run-cell.js";
import type { BenchRun, BenchSettings, CellResult, CellSpec, MatrixRow } from "./types.js";

export interface SendModesOptions {
  broker: string;
  cells: CellSpec[];
  timing: CellTiming;
  settings: Omit<BenchSettings, "client" | "latencyFrom">;
  onCellStart?(cell: CellSpec, index: number, total: number): void;
  onCellDone?(cell: CellResult, index: number, total: number): void;
  /** The client is open: an interrupt handler may close it (and delete its destination). */
  onClientOpen?(client: BenchClient): void;
  /** Open the client another way (e.g. through a protocol proxy); default: the broker's bench client. */
  openClient?(): Promise<BenchClient>;
}

export type SendModesRecord = Omit<BenchRun, "runId" | "command" | "reportDir" | "thresholds">;

/** Interval length for the per-interval series: 1 s, finer for short cells so charts have points. */
export function intervalFor(durationMs: number, messages?: number): number {
  if (messages !== undefined || durationMs >= 5_000) return 1_000;
  return Math.max(100, Math.round(durationMs / 10 / 100) * 100);
}

/** Run the send-mode matrix against one broker: one client, one destination, cells in order. */
export async function runSendModes(o: SendModesOptions): Promise<SendModesRecord> {
  const startedAt = new Date().toISOString();
  const runStartNs = nowNs();
  const client = await (o.openClient ? o.openClient() : openBenchClient(o.broker));
  o.onClientOpen?.(client);
  const routes = new Map<number, CellRecorder>();
  const cells: CellResult[] = [];
  try {
    let probeDelivered = () => {};
    await client.consume((payload) => {
      const stamp = readStamp(payload);
      if (stamp?.cell === PROBE_CELL) probeDelivered();
      else if (stamp) routes.get(stamp.cell)?.onDelivered(stamp.stampNs, stamp.measured);
    });
    // Readiness (as OMB): one message through producer, broker and consumer before any cell, so
    // connection set-up, metadata and group joins are not measured as the first cell's latency.
    await ready(client, new Promise<void>((resolve) => (probeDelivered = resolve)));
    const route = (index: number, rec: CellRecorder | undefined) => (rec ? routes.set(index, rec) : routes.delete(index));
    for (const [index, spec] of o.cells.entries()) {
      o.onCellStart?.(spec, index, o.cells.length);
      const result = await runCell(client, spec, o.timing, { runStartNs, index, route });
      cells.push(result);
      o.onCellDone?.(result, index, o.cells.length);
    }
    const versions = client.versions();
    return {
      gauntlet: "bench",
      version: 1,
      kind: "send-modes",
      startedAt,
      finishedAt: new Date().toISOString(),
      broker: redact(o.broker),
      family: client.family,
      environment: client.environment,
      versions,
      host: hostInfo(),
      settings: { ...o.settings, latencyFrom: o.settings.rate === undefined ? "actual" : "intended", client: client.settings },
      cells,
      matrix: cells.map(matrixRow),
    };
  } finally {
    await client.close();
  }
}

export interface ProducerOnlyOptions {
  broker: string;
  spec: CellSpec;
  timing: CellTiming;
  openClient?(): Promise<BenchClient>;
  /** The client is open: an interrupt handler may close it (and delete its destination). */
  onClientOpen?(client: BenchClient): void;
}

/**
 * One cell with nothing consumed while it is measured, as the brokers' own producer benchmarks
 * run (kafka-producer-perf-test has no consumer; PerfTest runs with -y 0): a fresh client (its own
 * topic or queue), one acknowledged probe to open the producer's connection and read metadata,
 * then the cell; only after sending stops and acks settle does a consumer read everything back
 * from the start, so a message acknowledged and never delivered still flags the cell
 * `undelivered`. No end-to-end latency: the read-back's wait is not a delivery latency.
 */
export async function runProducerOnlyCell(o: ProducerOnlyOptions): Promise<CellResult> {
  const client = await (o.openClient ? o.openClient() : openBenchClient(o.broker));
  o.onClientOpen?.(client);
  try {
    await client.sendOne(stampPayload(payloadTemplate(HEADER_BYTES), nowNs(), PROBE_CELL, false));
    let rec: CellRecorder | undefined;
    const ctx = {
      runStartNs: nowNs(),
      index: 0,
      route: (_: number, r: CellRecorder | undefined) => (rec = r),
      afterSending: () =>
        client.consume((payload) => {
          const stamp = readStamp(payload);
          if (stamp && stamp.cell === 0) rec?.onReadBack(stamp.measured);
        }),
    };
    const cell = await runCell(client, o.spec, { ...o.timing, drainMs: o.timing.drainMs ?? 60_000 }, ctx);
    return { ...cell, producerOnly: true };
  } finally {
    await client.close();
  }
}

/** The cell index stamped into the readiness probe. */
const PROBE_CELL = 0xffffffff;
const READY_TIMEOUT_MS = 60_000;

async function ready(client: BenchClient, delivered: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new InfrastructureError(`bench: a probe message was not acknowledged and delivered within ${READY_TIMEOUT_MS / 1000} s`, "is the broker healthy? try gauntlet conformance --broker URL")), READY_TIMEOUT_MS);
  });
  try {
    await Promise.race([client.sendOne(stampPayload(payloadTemplate(HEADER_BYTES), nowNs(), PROBE_CELL, false)).then(() => delivered), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The compact row: latencies in ms. */
export function matrixRow(c: CellResult): MatrixRow {
  const ms = (us: number) => us / 1000;
  return {
    cell: c.id,
    mode: c.mode,
    size: c.size,
    n: c.n,
    msgsPerSec: c.achievedRate,
    mbPerSec: c.mbPerSec,
    p50: ms(c.publish.p50),
    p99: ms(c.publish.p99),
    p999: ms(c.publish.p999),
    e2eP99: c.e2e.count ? ms(c.e2e.p99) : null,
    flags: c.flags,
  };
}
