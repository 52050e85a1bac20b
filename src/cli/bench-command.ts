import { writeFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import type { BenchClient } from "../core/bench-client.js";
import { onShutdown } from "./shutdown.js";
import { redact } from "../environments/url.js";
import { EXIT, UsageError } from "../core/errors.js";
import { DEFAULTS, buildMatrix, parseDuration, parseList, parseModes, parseSizes } from "../bench/matrix.js";
import { BenchProgress } from "../bench/progress.js";
import { formatBenchText } from "../bench/report/text.js";
import { writeBenchReport } from "../bench/report/write.js";
import { prepareNative, runNative } from "../bench/native/index.js";
import { intervalFor, runProducerOnlyCell, runSendModes } from "../bench/run.js";
import { formatProxyOverhead, openThroughProtocolProxy, proxyOverhead } from "../bench/protocol-proxy.js";
import { evaluateThresholds, parseThreshold } from "../bench/thresholds.js";
import type { BenchRun, CellResult } from "../bench/types.js";
import { positiveInt, shellQuote } from "./options.js";
import { ensureOutRoot, makeReportDir, newRunId } from "../report/report-dir.js";

export interface SendModesCommandOptions {
  broker: string;
  sizes?: string;
  inFlight?: string;
  batch?: string;
  modes?: string;
  duration?: string;
  warmup?: string;
  rate?: string;
  messages?: string;
  threshold?: string[];
  out: string;
  json?: boolean;
  progress?: boolean;
  quick?: boolean;
  native?: boolean;
  protocolProxy?: boolean;
}

/** --quick: one size, one N per mode, half-second cells (explicit options still win). */
const QUICK = { sizes: "100", inFlight: "10", batch: "10", duration: "500ms", warmup: "100ms" };

/** `gauntlet bench send-modes`: the matrix, the reports, the thresholds (breach → exit 1). */
export async function sendModesCommand(options: SendModesCommandOptions): Promise<number> {
  const o: SendModesCommandOptions = options.quick ? { ...QUICK, ...(stripUndefined(options) as SendModesCommandOptions) } : options;
  const sizes = parseSizes(o.sizes);
  const inFlight = parseList("--in-flight", o.inFlight, DEFAULTS.inFlight, 1, 100_000);
  const batch = parseList("--batch", o.batch, DEFAULTS.batch, 1, 100_000);
  const modes = parseModes(o.modes);
  const durationMs = parseDuration("--duration", o.duration, DEFAULTS.durationMs, 10);
  const warmupMs = parseDuration("--warmup", o.warmup, DEFAULTS.warmupMs);
  const rate = o.rate === undefined ? undefined : positiveInt("--rate", o.rate, 1000, 10_000_000);
  const messages = o.messages === undefined ? undefined : positiveInt("--messages", o.messages, 10_000, 100_000_000);
  const thresholds = (o.threshold ?? []).map(parseThreshold);
  if (rate === undefined && thresholds.some((t) => t.metric === "delay")) {
    throw new UsageError("--threshold: publish delay is only measured at a fixed rate", "add --rate N, or drop the delay.* threshold");
  }
  const cells = buildMatrix({ sizes, inFlight, batch, modes });
  const say = (line: string) => o.progress !== false && process.stderr.write(`${line}\n`);
  // Before the matrix: memory:// has no native tool (usage error); PerfTest is installed on first use.
  if (o.native) await prepareNative(o.broker, say);
  const progress = new BenchProgress(o.progress !== false);
  // Ctrl-C / SIGTERM: close the client (its destination is deleted) and keep what was measured.
  const finished: CellResult[] = [];
  let client: BenchClient | undefined;
  const release = onShutdown(async (signal) => {
    await client?.close().catch(() => {});
    const reportDir = await makeReportDir(o.out, runId);
    const partial = { gauntlet: "bench", version: 1, kind: "send-modes", broker: redact(o.broker), runId, command: rerunCommand(o), reportDir, interrupted: signal, cells: finished };
    await writeFile(join(reportDir, "results.json"), `${JSON.stringify(partial, null, 2)}\n`);
    process.stderr.write(`gauntlet: ${finished.length} finished cell(s) kept in ${relative(process.cwd(), join(reportDir, "results.json"))}\n`);
  });
  await ensureOutRoot(o.out);
  const runId = `bench-${newRunId()}`;
  const record = await runSendModes({
    broker: o.broker,
    cells,
    timing: { warmupMs, durationMs, rate, messages, intervalMs: intervalFor(durationMs, messages) },
    settings: { sizes, inFlight, batch, modes, durationMs, warmupMs, ...(rate !== undefined ? { rate } : {}), ...(messages !== undefined ? { messages } : {}) },
    onCellStart: (c, i, n) => progress.start(c, i, n),
    onCellDone: (c, i, n) => {
      finished.push(c);
      progress.done(c, i, n);
    },
    onClientOpen: (c) => (client = c),
  }).finally(release);
  // The native tools consume nothing: the twin cell runs again producer-only (≥ 5 s, read back
  // after; --quick: as long as its cells, a smoke test of the comparison rather than a figure).
  const twinTiming = o.quick ? { warmupMs, durationMs, rate, messages, intervalMs: intervalFor(durationMs, messages), drainMs: 60_000 } : { warmupMs: Math.max(warmupMs, 1_000), durationMs: Math.max(durationMs, 5_000), rate, messages, intervalMs: 1_000, drainMs: 60_000 };
  let twinClient: BenchClient | undefined;
  const releaseTwin = onShutdown(async () => {
    await twinClient?.close().catch(() => {});
  });
  const native = o.native
    ? await runNative(o.broker, record.cells, { sizes, inFlight, batch, modes, durationMs }, say, (spec) => runProducerOnlyCell({ broker: o.broker, spec, timing: twinTiming, onClientOpen: (c) => (twinClient = c) })).finally(releaseTwin)
    : undefined;
  // --protocol-proxy: the same matrix again, every connection through an idle protocol proxy.
  let protocolProxy: BenchRun["protocolProxy"];
  if (o.protocolProxy) {
    say("again through an idle protocol proxy:");
    const proxied = await runSendModes({
      broker: o.broker,
      cells,
      timing: { warmupMs, durationMs, rate, messages, intervalMs: intervalFor(durationMs, messages) },
      settings: record.settings,
      openClient: () => openThroughProtocolProxy(o.broker),
      onCellStart: (c, i, n) => progress.start(c, i, n),
      onCellDone: (c, i, n) => progress.done(c, i, n),
    });
    protocolProxy = proxyOverhead(record.matrix, proxied.matrix, String(proxied.settings.client?.via ?? "a protocol proxy"));
  }
  const reportDir = await makeReportDir(o.out, runId);
  const run: BenchRun = {
    ...record,
    ...(native ? { native } : {}),
    ...(protocolProxy ? { protocolProxy } : {}),
    runId: reportDir.split("/").pop()!,
    command: rerunCommand(o),
    thresholds: evaluateThresholds(thresholds, record.cells),
    reportDir,
  };
  await writeBenchReport(run);
  if (o.json) process.stdout.write(`${JSON.stringify(run, null, 2)}\n`);
  else process.stdout.write(`${formatBenchText({ ...run, reportDir: relative(process.cwd(), reportDir) || "." })}\n${protocolProxy ? `${formatProxyOverhead(protocolProxy)}\n` : ""}`);
  return run.thresholds.every((t) => t.passed) ? EXIT.valid : EXIT.invalid;
}

/** The command that reruns this matrix (password redacted). */
function rerunCommand(o: SendModesCommandOptions): string {
  const args = ["npx gauntlet bench send-modes", "--broker", shellQuote(redact(o.broker))];
  const add = (flag: string, v: string | undefined) => v !== undefined && args.push(flag, shellQuote(v));
  add("--sizes", o.sizes);
  add("--in-flight", o.inFlight);
  add("--batch", o.batch);
  add("--modes", o.modes);
  add("--duration", o.duration);
  add("--warmup", o.warmup);
  add("--rate", o.rate);
  add("--messages", o.messages);
  for (const t of o.threshold ?? []) add("--threshold", t);
  if (o.native) args.push("--native");
  if (o.protocolProxy) args.push("--protocol-proxy");
  return args.join(" ");
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
