import { writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { KAFKA_CLIENTS } from "../drivers/kafka/settings.js";
import { EXIT, UsageError } from "../core/errors.js";
import { redact } from "../environments/url.js";
import { DEFAULTS, buildMatrix, parseDuration, parseList, parseModes, parseSizes } from "../bench/matrix.js";
import { BenchProgress } from "../bench/progress.js";
import { intervalFor, runSendModes } from "../bench/run.js";
import type { CellResult } from "../bench/types.js";
import { ensureOutRoot, makeReportDir, newRunId } from "../report/report-dir.js";

export interface ClientsCommandOptions {
  broker: string;
  sizes?: string;
  batch?: string;
  inFlight?: string;
  modes?: string;
  duration?: string;
  warmup?: string;
  out: string;
  json?: boolean;
  progress?: boolean;
}

interface ClientRow {
  client: string;
  version: string | undefined;
  cell: string;
  mode: string;
  size: number;
  n: number;
  msgsPerSec: number;
  publishP99Ms: number;
  flags: string[];
}

/**
 * `gauntlet bench clients --broker kafka://…`: the same send-mode matrix (batched by default)
 * through every client library the family has, one after the other on the same broker, and a
 * table of msgs/s per cell and client side by side.
 */
export async function clientsCommand(o: ClientsCommandOptions): Promise<number> {
  let url: URL;
  try {
    url = new URL(o.broker);
  } catch {
    throw new UsageError(`--broker: "${redact(o.broker)}" is not a URL`, "e.g. --broker kafka://127.0.0.1:9092");
  }
  if (url.protocol !== "kafka:") throw new UsageError(`bench clients: ${url.protocol}// has one client library only`, "bench clients compares kafka:// clients (kafkajs, platformatic); use send-modes for other brokers");
  const sizes = parseSizes(o.sizes);
  const inFlight = parseList("--in-flight", o.inFlight, DEFAULTS.inFlight, 1, 100_000);
  const batch = parseList("--batch", o.batch, DEFAULTS.batch, 1, 100_000);
  const modes = parseModes(o.modes ?? "batched");
  const durationMs = parseDuration("--duration", o.duration, DEFAULTS.durationMs, 10);
  const warmupMs = parseDuration("--warmup", o.warmup, DEFAULTS.warmupMs);
  const cells = buildMatrix({ sizes, inFlight, batch, modes });
  await ensureOutRoot(o.out);
  const runId = `bench-clients-${newRunId()}`;
  const progress = new BenchProgress(o.progress !== false);
  const rows: ClientRow[] = [];
  const runs: { client: string; broker: string; versions: unknown; settings: unknown; cells: CellResult[] }[] = [];
  for (const name of KAFKA_CLIENTS) {
    const u = new URL(url.href);
    u.searchParams.set("client", name);
    const broker = u.href;
    if (o.progress !== false) process.stderr.write(`client=${name}:\n`);
    const record = await runSendModes({
      broker,
      cells,
      timing: { warmupMs, durationMs, intervalMs: intervalFor(durationMs) },
      settings: { sizes, inFlight, batch, modes, durationMs, warmupMs },
      onCellStart: (c, i, n) => progress.start(c, i, n),
      onCellDone: (c, i, n) => progress.done(c, i, n),
    });
    const version = record.versions?.clientVersion;
    runs.push({ client: name, broker: redact(broker), versions: record.versions, settings: record.settings.client, cells: record.cells });
    for (const c of record.cells) rows.push({ client: name, version, cell: c.id, mode: c.mode, size: c.size, n: c.n, msgsPerSec: c.achievedRate, publishP99Ms: c.publish.p99 / 1000, flags: c.flags });
  }
  const reportDir = await makeReportDir(o.out, runId);
  const result = { gauntlet: "bench", version: 1, kind: "clients", broker: redact(o.broker), runId: reportDir.split("/").pop()!, reportDir, clients: [...KAFKA_CLIENTS], rows, runs };
  await writeFile(join(reportDir, "results.json"), `${JSON.stringify(result, null, 2)}\n`);
  if (o.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else process.stdout.write(`${formatClientsTable(rows)}\nreport: ${relative(process.cwd(), reportDir) || "."}\n`);
  return EXIT.valid;
}

/** One line per cell, one msgs/s column per client, and each client's ratio to the first. */
export function formatClientsTable(rows: readonly ClientRow[]): string {
  const clients = [...new Set(rows.map((r) => r.client))];
  const cells = [...new Set(rows.map((r) => r.cell))];
  const fmt = (v: number) => Math.round(v).toLocaleString("en-US");
  const header = ["cell".padEnd(22), ...clients.map((c) => `${c} msgs/s`.padStart(20)), ...clients.slice(1).map((c) => `${c}÷${clients[0]}`.padStart(22))].join(" ");
  const lines = [header];
  for (const id of cells) {
    const byClient = clients.map((c) => rows.find((r) => r.cell === id && r.client === c));
    const base = byClient[0]?.msgsPerSec;
    const rates = byClient.map((r) => (r ? `${fmt(r.msgsPerSec)}${r.flags.filter((f) => f !== "anti-pattern").length ? "*" : ""}` : "-").padStart(20));
    const ratios = byClient.slice(1).map((r) => (r && base ? (r.msgsPerSec / base).toFixed(2) : "-").padStart(22));
    lines.push([id.padEnd(22), ...rates, ...ratios].join(" "));
  }
  lines.push("* flagged cell (see results.json: the generator fell behind, errors or undelivered messages)");
  return lines.join("\n");
}
