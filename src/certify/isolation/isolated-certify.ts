import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { announceTempDir } from "../../core/temp-dirs.js";
import type { CertifyRun, DeliveryMode } from "../certify.js";
import type { CertifyRepro } from "../repro.js";
import type { Semantics } from "../types.js";
import { type LoadedInfo, type ProcessHooks, runHandlerProcess } from "./handler-process.js";
import type { AnnouncedCase, CertifyChunkResult, ReplayJobResult } from "./protocol.js";

/** A certify run in handler processes of its own. */
export interface IsolatedCertifyOptions extends ProcessHooks {
  handlerPath: string;
  /** From withCertifyTempDir. */
  tempDir: string;
  timeoutMs: number;
  seed: number;
  semantics: Semantics;
  mode: DeliveryMode;
  runs: number;
  /** Generated cases in the first handler process (later ones adapt; see nextChunk). */
  firstChunk?: number;
}

/** Its outcome: the run, or how far it got before the caller stopped it. */
export type IsolatedCertify =
  | { interrupted: false; run: CertifyRun; handler: LoadedInfo }
  | { interrupted: true; executed: number; handler?: LoadedInfo; failingCase?: AnnouncedCase };

/** Cases in the first handler process; enough to learn the handler's speed and memory per case. */
export const FIRST_CHUNK = 1_000;
const MAX_CHUNK = 50_000;
/** Wall time a handler process should run for, so that starting one costs about 1 %. */
const TARGET_CHUNK_MS = 20_000;
/** Memory a handler process may grow to before it is replaced. */
const RSS_BUDGET = 256 * 2 ** 20;
/** About what a fresh handler process holds before its first case (Node, fast-check, Gauntlet). */
const BASE_RSS = 80 * 2 ** 20;

/**
 * Property-run the handler in a sequence of handler processes, each taking the next generated
 * cases of the same seed (fast-check's replay path), so that what a handler leaks — every
 * restart without restart() imports its module afresh, and Node never unloads a module — is
 * returned to the system with its process. The cases, and so the verdict, do not depend on
 * where the sequence is cut: every case starts with reset().
 */
export async function certifyIsolated(options: IsolatedCertifyOptions): Promise<IsolatedCertify> {
  let startAt = 0;
  let executed = 0;
  let chunk = options.firstChunk ?? FIRST_CHUNK;
  let handler: LoadedInfo | undefined;
  let referenceRetries = 0;
  for (;;) {
    const runs = Math.min(chunk, options.runs - startAt);
    const began = Date.now();
    const outcome = await runHandlerProcess<CertifyChunkResult>(
      { kind: "certify", handlerPath: options.handlerPath, ...files(options.tempDir), timeoutMs: options.timeoutMs, seed: options.seed, semantics: options.semantics, mode: options.mode, startAt, runs, preflight: startAt === 0 },
      { signal: options.signal, onProgress: (n, failed) => options.onProgress?.(executed + n, failed) },
    );
    if (outcome.kind === "interrupted") return { interrupted: true, executed: executed + outcome.executed, handler: outcome.handler ?? handler, failingCase: outcome.failingCase };
    handler = outcome.handler;
    const { run, rssBytes } = outcome.result;
    executed += run.runs;
    referenceRetries += run.referenceRetries ?? 0;
    startAt += runs;
    if (!run.certified || startAt >= options.runs) return { interrupted: false, run: { ...run, runs: executed, ...(referenceRetries ? { referenceRetries } : {}) }, handler };
    chunk = nextChunk(runs, Date.now() - began, rssBytes);
  }
}

/** Size of the next chunk: about TARGET_CHUNK_MS of work, and no more cases than the memory budget holds at the growth per case seen so far. */
export function nextChunk(runs: number, elapsedMs: number, rssBytes: number): number {
  const bySpeed = Math.round((runs * TARGET_CHUNK_MS) / Math.max(elapsedMs, 1));
  const perCase = Math.max(0, rssBytes - BASE_RSS) / runs;
  const byMemory = perCase > 0 ? Math.floor((RSS_BUDGET - BASE_RSS) / perCase) : MAX_CHUNK;
  return Math.max(100, Math.min(MAX_CHUNK, bySpeed, byMemory));
}

/** Replay a certify repro in a handler process of its own. */
export async function replayIsolated(
  options: { handlerPath: string; tempDir: string; timeoutMs: number; repro: CertifyRepro; times: number } & ProcessHooks,
): Promise<{ interrupted: false; result: ReplayJobResult; handler: LoadedInfo } | { interrupted: true }> {
  const outcome = await runHandlerProcess<ReplayJobResult>({ kind: "replay", handlerPath: options.handlerPath, ...files(options.tempDir), timeoutMs: options.timeoutMs, repro: options.repro, times: options.times }, options);
  return outcome.kind === "done" ? { interrupted: false, result: outcome.result, handler: outcome.handler } : { interrupted: true };
}

/**
 * A fresh `gauntlet-certify-*` directory for one command: `store/` is the handler's storeDir,
 * `state` the handler process's state file. Removed when `fn` ends; should this process die
 * instead, the handler process removes it (its watchdog sees our end of a pipe close), and so does
 * the entry shim when there is one (between two handler processes no watchdog runs).
 */
export async function withCertifyTempDir<T>(fn: (tempDir: string) => Promise<T>): Promise<T> {
  const tempDir = await mkdtemp(join(tmpdir(), "gauntlet-certify-"));
  announceTempDir(tempDir);
  try {
    await mkdir(files(tempDir).storeDir);
    return await fn(tempDir);
  } finally {
    await rm(tempDir, { recursive: true, force: true });
  }
}

function files(tempDir: string): { tempDir: string; storeDir: string; stateFile: string } {
  return { tempDir, storeDir: join(tempDir, "store"), stateFile: join(tempDir, "state") };
}
