import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { type CaseRun, type DeliveryMode, runCase } from "./certify.js";
import type { LoadedHandler } from "./handler.js";
import { type CertifyRepro, IN_PROCESS } from "./repro.js";

/** The handler file a repro names: relative to the current directory, else to the repro file. */
export function resolveHandlerPath(repro: CertifyRepro, reproFile: string): string {
  const fromCwd = resolve(repro.handler);
  if (existsSync(fromCwd)) return repro.handler;
  const fromFile = resolve(dirname(reproFile), repro.handler);
  return existsSync(fromFile) ? fromFile : repro.handler;
}

/** How often a repro failed over `times` replays, and the run to show (the first failure, else the last run). */
export interface ReplayOutcome {
  reproduced: number;
  times: number;
  shown: CaseRun;
}

/** Replay a certify repro `times` times: deterministic in-process and on memory://. */
export async function replayCertify(handler: LoadedHandler, repro: CertifyRepro, times: number): Promise<ReplayOutcome> {
  const mode: DeliveryMode = repro.broker === IN_PROCESS ? "in-process" : "memory";
  const c = repro.schedule ? { messages: repro.messages, schedule: repro.schedule } : { messages: repro.messages, faults: repro.faults ?? [] };
  let reproduced = 0;
  let shown: CaseRun | undefined;
  for (let i = 0; i < times; i++) {
    const run = await runCase(handler, c, repro.semantics, mode);
    if (!run.equal) reproduced += 1;
    if (!shown || (!run.equal && shown.equal)) shown = run;
  }
  return { reproduced, times, shown: shown! };
}
