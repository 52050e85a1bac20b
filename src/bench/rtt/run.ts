import { parseBrokerUrl, redact } from "../../environments/url.js";
import { hostInfo } from "../host.js";
import { measureRtt } from "./experiment.js";
import { openProxiedPath } from "./path.js";
import type { RttRun } from "./types.js";

export interface RttRunOptions {
  broker: string;
  latencyMs: number;
  messages: number;
  inFlight: number;
  size: number;
  probes?: number;
  onProgress?(line: string): void;
}

export type RttRecord = Omit<RttRun, "runId" | "command" | "reportDir">;

/** Start a private toxiproxy in front of the broker, add the latency, measure, stop everything. */
export async function runRtt(o: RttRunOptions): Promise<RttRecord> {
  const startedAt = new Date().toISOString();
  const probes = o.probes ?? 5;
  o.onProgress?.(`bench rtt: starting toxiproxy in front of ${redact(o.broker)} ...`);
  const path = await openProxiedPath(o.broker);
  try {
    await path.addLatency(o.latencyMs);
    o.onProgress?.(`bench rtt: ${o.latencyMs} ms latency on the path; measuring ...`);
    const m = await measureRtt(path.client, { messages: o.messages, inFlight: o.inFlight, size: o.size, probes });
    const up = Math.floor(o.latencyMs / 2);
    return {
      gauntlet: "bench",
      version: 1,
      kind: "rtt",
      startedAt,
      finishedAt: new Date().toISOString(),
      broker: redact(o.broker),
      family: path.client.family,
      target: path.target,
      versions: path.client.versions(),
      host: hostInfo(),
      settings: { latencyMs: o.latencyMs, latencySplit: { upstreamMs: up, downstreamMs: o.latencyMs - up }, messages: o.messages, inFlight: o.inFlight, size: o.size, probes, client: path.client.settings },
      ...m,
      notes: notes(o.broker, path.client.settings),
    };
  } finally {
    await path.close();
  }
}

function notes(broker: string, settings: Record<string, unknown>): string[] {
  const out: string[] = [];
  const { scheme } = parseBrokerUrl(broker);
  if (scheme === "memory") out.push("memory:// is Gauntlet's own real-time in-process queue served over a loopback TCP hop (not a broker): the RTT is the proxy's latency plus the hop, nothing else.");
  if (scheme === "kafka" && settings.idempotent === true) out.push("kafkajs with an idempotent producer keeps one produce request in flight, so pipelined sends queue behind each other; add ?idempotent=false to the URL to let them overlap.");
  return out;
}
