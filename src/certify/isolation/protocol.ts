/**
 * What the certify parent and the handler process say to each other. The parent passes one job
 * (JSON, argv[2]); the child writes lines on fd 3, each written synchronously so that whatever it
 * said before an exit, a crash or a synchronous loop has reached the parent:
 *
 * | line | meaning |
 * |---|---|
 * | `H` | heartbeat (every 200 ms while the event loop turns) |
 * | `B id call` / `E id` | a call into the handler began / ended (`handle() of m2`, `snapshot()`) |
 * | `C json` | a case starts: `{ label, case }` |
 * | `P executed failed` | a case finished; `failed` is 1 once a counterexample was found |
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

/** A chunk of a property run: generated cases `startAt` .. `startAt + runs - 1` of `seed`. */
export interface CertifyJob {
  kind: "certify";
  handlerPath: string;
  storeDir: string;
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
  storeDir: string;
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
