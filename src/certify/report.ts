import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { DeliveryMode } from "./certify.js";
import type { DeliveryStep } from "./delivery-plan.js";
import { formatDiffEntry } from "./json.js";
import type { Mistake } from "./mistakes.js";
import type { Step } from "./schedule.js";
import type { CertifyMessage, DiffEntry, Json, Semantics } from "./types.js";

/** What a certificate vouches for: written to certificate.json and results.json when a handler passes. */
export interface Certificate {
  gauntlet: "certificate";
  /** Handler path as given, and the sha256 of its file. */
  handler: string;
  sha256: string;
  semantics: Semantics;
  /** "in-process" or the broker URL deliveries came through. */
  deliveries: string;
  runs: number;
  seed: number;
  /** Delivery mechanisms the generated schedules draw from. */
  mechanisms: string[];
  claim: string;
  gauntletVersion: string;
  node: string;
  date: string;
}

/** The minimal failing case as reported. */
export interface CertifyCounterexample {
  messages: CertifyMessage[];
  schedule?: Step[];
  faults?: DeliveryStep[];
  mechanisms: string[];
  /** handle() calls the schedule made. */
  deliveries: number;
  trace: string[];
  expected: Json;
  actual: Json;
  diff: DiffEntry[];
  /** The named mistakes: effect duplicated, effect lost (after a failed attempt), not durable across a restart, order broken. */
  mistakes?: Mistake[];
}

/** results.json of `gauntlet certify` (and of `gauntlet replay` on a certify repro). */
export interface CertifyResults {
  runId: string;
  command: string;
  startedAt: string;
  finishedAt: string;
  /** true: certified idempotent; false: a counterexample was found; "unknown": interrupted before either. */
  verdict: boolean | "unknown";
  handler: { path: string; sha256: string };
  semantics: Semantics;
  broker: string;
  seed: number;
  /** Cases executed, including shrink attempts. */
  runs: number;
  requestedRuns: number;
  /** Shrink steps fast-check took to reach the minimal counterexample. */
  shrinks: number;
  wallMs: number;
  certificate?: Certificate;
  counterexample?: CertifyCounterexample;
  /** Set when a signal stopped the run: which, how many cases had run, and the failing case if one was found (not shrunk). */
  interrupted?: { signal: string; runsDone: number; failingCase?: { label: string; messages: CertifyMessage[]; schedule?: Step[]; faults?: DeliveryStep[] } };
  /** Set by replay: how often the repro failed. */
  replay?: { file: string; times: number; reproduced: number; handlerChanged: boolean };
  /** Remarks that qualify the verdict (e.g. handle() threw on its own in reference runs). */
  notes?: string[];
  reproFile?: string;
  replayCommand?: string;
  rerunCommand: string;
  gauntletVersion: string;
  node: string;
  reportDir: string;
}

/** Mechanisms the generated schedules draw from, per delivery mode. */
const MECHANISMS: Record<DeliveryMode, string[]> = {
  "in-process": ["duplicate", "crash-before-ack", "lock-expiry", "parallel", "restart", "reorder", "transient-failure"],
  memory: ["duplicate", "crash-before-ack", "lock-expiry", "parallel", "restart"],
};

/** The certificate for a certified run's results. */
export function certificateFor(r: CertifyResults, mode: DeliveryMode): Certificate {
  return {
    gauntlet: "certificate",
    handler: r.handler.path,
    sha256: r.handler.sha256,
    semantics: r.semantics,
    deliveries: r.broker,
    runs: r.requestedRuns,
    seed: r.seed,
    mechanisms: MECHANISMS[mode],
    claim: `for ${r.requestedRuns} generated message sets and delivery schedules allowed by at-least-once delivery under ${r.semantics}, the handler's final snapshot equalled processing every message exactly once, in send order`,
    gauntletVersion: r.gauntletVersion,
    node: r.node,
    date: r.finishedAt,
  };
}

let version: string | undefined;

/** Gauntlet's version, from the package.json above this module. */
export function gauntletVersion(): string {
  if (version) return version;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++, dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "gauntlet" && pkg.version) return (version = pkg.version);
    } catch {
      // keep looking upwards
    }
  }
  return (version = "unknown");
}

/** Write results.json, and certificate.json when there is a certificate. */
export async function writeCertifyReport(results: CertifyResults): Promise<void> {
  await writeFile(join(results.reportDir, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
  if (results.certificate) await writeFile(join(results.reportDir, "certificate.json"), `${JSON.stringify(results.certificate, null, 2)}\n`);
}

const indent = (lines: string[], by = "  ") => lines.map((l) => `${by}${l}`);
const json = (v: Json) => JSON.stringify(v);

/** The console summary: verdict, seed, the shrunk schedule, both snapshots and their difference, commands. */
export function formatCertify(r: CertifyResults, shownReportDir: string): string {
  const lines: string[] = [];
  const verdict = r.replay
    ? `reproduced ${r.replay.reproduced} of ${r.replay.times} run${r.replay.times === 1 ? "" : "s"}`
    : r.interrupted
      ? `INTERRUPTED by ${r.interrupted.signal} after ${r.interrupted.runsDone} of ${r.requestedRuns} runs: ${r.interrupted.failingCase ? "NOT IDEMPOTENT (a failing case was found; not shrunk)" : "no verdict"}`
      : r.verdict === true
        ? "CERTIFIED idempotent"
        : `NOT IDEMPOTENT${r.counterexample?.mistakes?.length ? `: ${[...new Set(r.counterexample.mistakes.map((m) => m.kind))].join(", ")}` : ""}`;
  lines.push(`${r.replay ? "replay" : "certify"} ${r.handler.path}: ${verdict}`);
  const shrinks = r.shrinks ? ` (${r.shrinks} shrink steps)` : "";
  lines.push(`  semantics: ${r.semantics}   deliveries: ${r.broker}   runs: ${r.runs}${shrinks}   seed: ${r.seed}`);
  if (r.replay?.handlerChanged) lines.push("  note: the handler file changed since the repro was written (sha256 differs)");
  const f = r.interrupted?.failingCase;
  if (f) {
    lines.push("", `failing case (${f.label}, not shrunk):`, ...indent(f.messages.map((m) => `${m.id}  key ${m.key}  body ${json(m.body)}`)));
    lines.push(...indent((f.schedule ?? f.faults ?? []).map((step, i) => `${i + 1}. ${JSON.stringify(step)}`)));
  }
  const c = r.counterexample;
  if (c) {
    lines.push("", `messages (send order):`, ...indent(c.messages.map((m) => `${m.id}  key ${m.key}  body ${json(m.body)}`)));
    const kind = c.schedule ? "schedule" : "fault plan";
    lines.push("", `minimal failing ${kind} (${c.deliveries} deliveries; ${c.mechanisms.join(", ") || "in order"}):`, ...indent(c.trace));
    lines.push("", "expected snapshot (each message processed once, in order):", `  ${json(c.expected)}`);
    lines.push("actual snapshot:", `  ${json(c.actual)}`);
    if (c.mechanisms.length === 1 && c.mechanisms[0] === "reorder") lines.push("note: only the order differs: the handler depends on send order, which --semantics unordered does not promise");
    lines.push("difference:", ...(c.diff.length ? indent(c.diff.map(formatDiffEntry)) : ["  (none: the snapshots are equal)"]));
    if (c.mistakes?.length) lines.push("mistake:", ...indent(c.mistakes.map((m) => `${m.kind} at ${m.path}: ${m.detail}`)));
  }
  for (const note of r.notes ?? []) lines.push(`note: ${note}`);
  lines.push("");
  if (r.certificate) lines.push(`certificate: ${join(shownReportDir, "certificate.json")}  (sha256 ${r.handler.sha256.slice(0, 16)}…, ${r.runs} runs)`);
  if (r.reproFile) lines.push(`repro: ${join(shownReportDir, r.reproFile)}`);
  if (r.replayCommand) lines.push(`replay: ${r.replayCommand}`);
  lines.push(`rerun: ${r.rerunCommand}`, `report: ${shownReportDir}`);
  return lines.join("\n");
}
