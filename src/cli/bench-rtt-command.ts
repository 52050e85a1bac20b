import { join, relative, resolve } from "node:path";
import { redact } from "../environments/url.js";
import { EXIT } from "../core/errors.js";
import { parseDuration } from "../bench/matrix.js";
import { HEADER_BYTES } from "../bench/measure/payload.js";
import { formatRttText, writeRttReport } from "../bench/rtt/report.js";
import { runRtt } from "../bench/rtt/run.js";
import type { RttRun } from "../bench/rtt/types.js";
import { positiveInt, shellQuote } from "./options.js";
import { makeReportDir, newRunId } from "../report/report-dir.js";

export interface RttCommandOptions {
  broker: string;
  latency?: string;
  messages?: string;
  inFlight?: string;
  size?: string;
  out: string;
  json?: boolean;
  progress?: boolean;
}

/** `gauntlet bench rtt`: the seed's experiment — sequential vs pipelined vs batched behind a latency toxic. */
export async function rttCommand(o: RttCommandOptions): Promise<number> {
  const latencyMs = parseDuration("--latency", o.latency, 70, 1);
  const messages = positiveInt("--messages", o.messages, 20, 100_000);
  const inFlight = positiveInt("--in-flight", o.inFlight, 10, 100_000);
  const size = Math.max(HEADER_BYTES, positiveInt("--size", o.size, 100, 16 * 1024 * 1024));
  const progress = o.progress !== false ? (line: string) => process.stderr.write(`${line}\n`) : undefined;
  const record = await runRtt({ broker: o.broker, latencyMs, messages, inFlight, size, ...(progress ? { onProgress: progress } : {}) });
  const reportDir = await makeReportDir(o.out, `bench-rtt-${newRunId()}`);
  const run: RttRun = { ...record, runId: reportDir.split("/").pop()!, command: rerun(o), reportDir };
  await writeRttReport(run);
  if (o.json) process.stdout.write(`${JSON.stringify(run, null, 2)}\n`);
  else process.stdout.write(`${formatRttText({ ...run, reportDir: relative(process.cwd(), reportDir) || "." })}\n`);
  return EXIT.valid;
}

function rerun(o: RttCommandOptions): string {
  const args = ["npx gauntlet bench rtt", "--broker", shellQuote(redact(o.broker))];
  const add = (flag: string, v: string | undefined) => v !== undefined && args.push(flag, shellQuote(v));
  add("--latency", o.latency);
  add("--messages", o.messages);
  add("--in-flight", o.inFlight);
  add("--size", o.size);
  return args.join(" ");
}
