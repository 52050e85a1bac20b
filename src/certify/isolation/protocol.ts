/**
 * What the certify parent and the handler process say to each other. The parent passes one job
 * (JSON, argv[2]). The child keeps a **state file** up to date — the calls into the handler in
 * progress, and the case running — with positioned synchronous writes that wake nobody, so that
 * after an exit, a crash or a synchronous loop the parent reads what the child was doing. Rare
 * events go as lines on fd 3:
 *
 * | line | meaning |
 * |---|---|
 * | `H executed failed` | heartbeat (every 200 ms while the event loop turns), with the progress |
 * | `L json` | the handler loaded: `{ absolutePath, sha256 }` |
 * | `D json` | done: the job's result |
 * | `U json` | a bad handler (exit 3): `{ message, fix }` |
 * | `X json` | an error escaped the handler outside any awaited call: `{ kind, error }` |
 * | `I json` | an internal error of Gauntlet: `{ message }` |
 */
import type { CertifyCase } from "../arbitrary.js";
import type { CaseRun, CertifyRun, DeliveryMode } from "../certify.js";
import type { CertifyRepro } from "../repro.js";
import type { Semantics } from "../types.js";

/** The file descriptor of the report channel in the child. */
export const REPORT_FD = 3;
/** How often the child's event loop proves it still turns. */
export const HEARTBEAT_MS = 200;
/** State file layout: the calls in progress (JSON array) in the first CALLS_BYTES, then the case record (JSON); both padded with spaces. */
export const CALLS_BYTES = 4096;

/** The case record of the state file. */
export interface CaseRecord {
  /** Cases finished before this one. */
  executed: number;
  label: string;
  case: CertifyCase;
  /** The first case that failed, once one has. */
  failing?: AnnouncedCase;
}

/** A chunk of a property run: generated cases `startAt` .. `startAt + runs - 1` of `seed`. */
export interface CertifyJob {
  kind: "certify";
  handlerPath: string;
  /** Removed by the child should the parent die: holds storeDir and stateFile. */
  tempDir: string;
  storeDir: string;
  stateFile: string;
  timeoutMs: number;
  seed: number;
  semantics: Semantics;
  mode: DeliveryMode;
  startAt: number;
  runs: number;
  preflight: boolean;
}

/** Replaying a certify repro `times` times. */
export interface ReplayJob {
  kind: "replay";
  handlerPath: string;
  tempDir: string;
  storeDir: string;
  stateFile: string;
  timeoutMs: number;
  repro: CertifyRepro;
  times: number;
}

/** One job for a handler process. */
export type HandlerJob = CertifyJob | ReplayJob;

/** What a certify chunk returns: the run, and the child's memory at the end (for the recycling policy). */
export interface CertifyChunkResult {
  run: CertifyRun;
  rssBytes: number;
}

/** What a replay job returns. */
export interface ReplayJobResult {
  reproduced: number;
  shown: CaseRun;
}

/** A case as announced by the child. */
export interface AnnouncedCase {
  label: string;
  case: CertifyCase;
}
