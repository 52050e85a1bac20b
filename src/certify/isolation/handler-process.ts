import { spawn } from "node:child_process";
import { announceProcess } from "../../core/temp-dirs.js";
import { readFileSync } from "node:fs";
import type { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { InfrastructureError, UsageError } from "../../core/errors.js";
import { formatTimeout } from "../handler.js";
import { type AnnouncedCase, CALLS_BYTES, type CaseRecord, type HandlerJob } from "./protocol.js";

const CHILD = fileURLToPath(new URL("./child-main.js", import.meta.url));
const STARTUP_MS = 10_000;

/** The handler file as loaded by the child. */
export interface LoadedInfo {
  absolutePath: string;
  sha256: string;
}

/** How a handler process ended: its job's result, or stopped by the caller (Ctrl-C) part-way. */
export type ProcessOutcome<T> =
  | { kind: "done"; result: T; handler: LoadedInfo }
  | { kind: "interrupted"; executed: number; handler?: LoadedInfo; failingCase?: AnnouncedCase };

/** What the caller learns while the process runs, and how it stops it. */
export interface ProcessHooks {
  onProgress?: (executed: number, failed: boolean) => void;
  /** Aborting kills the process at once (SIGKILL) and resolves "interrupted". */
  signal?: AbortSignal;
}

/**
 * Run one job in a handler process of its own and supervise it: nothing the handler does reaches
 * this process. An exit, a crash, an error thrown in the background, a call that never settles or
 * an event loop blocked for `job.timeoutMs` becomes a UsageError (exit 3) naming what happened,
 * during which call, in which case. Gauntlet's own failures in the child are exit 4.
 */
export function runHandlerProcess<T>(job: HandlerJob, hooks: ProcessHooks = {}): Promise<ProcessOutcome<T>> {
  const child = spawn(process.execPath, [CHILD, JSON.stringify(job)], { stdio: ["pipe", 2, "inherit", "pipe"] });
  announceProcess(child.pid);
  child.stdin!.on("error", () => {}); // a watchdog pipe: never written, closed when we are done
  let loaded: LoadedInfo | undefined;
  let final: { tag: string; body: unknown } | undefined;
  let blocked = false;
  let interrupted = false;

  const block = () => {
    blocked = true;
    child.kill("SIGKILL");
  };
  // Node's own start-up may take a while on a loaded machine: the first line gets at least 10 s.
  let watchdog = setTimeout(block, Math.max(job.timeoutMs, STARTUP_MS));
  let started = false;
  const interrupt = () => {
    interrupted = true;
    child.kill("SIGKILL");
  };
  if (hooks.signal?.aborted) interrupt();
  hooks.signal?.addEventListener("abort", interrupt, { once: true });

  const line = (text: string) => {
    const tag = text[0];
    const rest = text.slice(2);
    if (tag === "H") {
      const [n, failed] = rest.split(" ");
      hooks.onProgress?.(Number(n), failed === "1");
    } else if (tag === "L") loaded = JSON.parse(rest) as LoadedInfo;
    else if (tag === "D" || tag === "U" || tag === "X" || tag === "I") final = { tag, body: JSON.parse(rest) };
  };
  const report = child.stdio[3] as Readable;
  report.setEncoding("utf8");
  let buffered = "";
  report.on("data", (chunk: string) => {
    if (started) watchdog.refresh();
    else {
      started = true;
      clearTimeout(watchdog);
      watchdog = setTimeout(block, job.timeoutMs);
    }
    buffered += chunk;
    let end: number;
    while ((end = buffered.indexOf("\n")) >= 0) {
      line(buffered.slice(0, end));
      buffered = buffered.slice(end + 1);
    }
  });
  const reportEnded = new Promise<void>((resolve) => report.once("close", resolve));

  return new Promise((resolve, reject) => {
    child.once("error", (err) => reject(new InfrastructureError(`cannot start the handler process: ${err.message}`)));
    const finish = (code: number | null, signal: NodeJS.Signals | null): ProcessOutcome<T> => {
      clearTimeout(watchdog);
      hooks.signal?.removeEventListener("abort", interrupt);
      child.stdin!.destroy();
      report.destroy();
      const state = readState(job.stateFile);
      if (interrupted) return { kind: "interrupted", executed: state.record?.executed ?? 0, handler: loaded, failingCase: state.record?.failing };
      const lastCase = state.record ? { label: state.record.label, case: state.record.case } : undefined;
      return outcome<T>(job, final, loaded, { code, signal, blocked, calls: state.calls, lastCase });
    };
    child.once("exit", (code, signal) => {
      // what the child wrote before it ended is still in the pipe: read it all (bounded: a
      // grandchild of the handler may hold the pipe open)
      void Promise.race([reportEnded, new Promise((r) => setTimeout(r, 500))])
        .then(() => finish(code, signal))
        .then(resolve, reject);
    });
  });
}

/** What the state file says was running when the child ended (see protocol.ts). */
function readState(file: string): { calls: string[]; record?: CaseRecord } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return { calls: [] };
  }
  // regions are padded with spaces, and the calls region ends in a hole (zero bytes) until it is full
  const text = (from: number, to?: number) => bytes.subarray(from, to).toString().replace(/\0/g, "").trim();
  try {
    const calls = text(0, CALLS_BYTES);
    const record = text(CALLS_BYTES);
    return { calls: calls ? (JSON.parse(calls) as string[]) : [], ...(record ? { record: JSON.parse(record) as CaseRecord } : {}) };
  } catch {
    return { calls: [] }; // written by a child that was killed mid-write: say less rather than fail
  }
}

interface Ending {
  code: number | null;
  signal: NodeJS.Signals | null;
  blocked: boolean;
  calls: string[];
  lastCase?: AnnouncedCase;
}

function outcome<T>(job: HandlerJob, final: { tag: string; body: unknown } | undefined, loaded: LoadedInfo | undefined, end: Ending): ProcessOutcome<T> {
  if (final?.tag === "D" && loaded) return { kind: "done", result: final.body as T, handler: loaded };
  const during = end.calls.length ? end.calls.join(" and ") : loaded ? "no call into the handler" : "start-up, before the handler was imported";
  const noticed = end.calls.length ? `noticed during ${during}` : "noticed between calls into the handler";
  const where = caseText(job, end.lastCase);
  const name = `handler ${job.handlerPath}`;
  if (final?.tag === "U") {
    const { message, fix } = final.body as { message: string; fix?: string };
    return thrown(new UsageError(`${message}${where}`, fix ?? "see docs/certify.md for what a handler module exports"));
  }
  if (final?.tag === "I") return thrown(new InfrastructureError(`internal error in the handler process: ${(final.body as { message: string }).message}${where}`, "please report it with the command that printed this"));
  if (final?.tag === "X") {
    const { kind, error } = final.body as { kind: string; error: string };
    return thrown(
      new UsageError(
        `${name}: ${kind} escaped the handler (${noticed}): ${error}${caseText(job, end.lastCase, "the case running when it was noticed:")}`,
        "await every promise the handler starts, and catch errors in its timers and event listeners: an error nobody awaits crashes a real consumer too",
      ),
    );
  }
  if (end.blocked) {
    return thrown(
      new UsageError(
        `${name}: the handler process did not respond for ${formatTimeout(job.timeoutMs)} during ${during} (a synchronous loop, or an endless chain of promises?); Gauntlet killed it${where}`,
        "every call into the handler must yield to the event loop within the limit; raise it with --timeout if the work is legitimately that long",
      ),
    );
  }
  const how = end.signal ? `was killed by ${end.signal}` : `exited with ${end.code}`;
  return thrown(
    new UsageError(`${name}: the handler process ${how} during ${during}${where}`, "a handler must not call process.exit() or end its process; throw instead (a throw is a failed delivery, and is redelivered)"),
  );
}

function thrown(err: Error): never {
  throw err;
}

/** "\n  in run 37 of seed 5: messages m1 (k1) {...}; schedule [...]" for the case that was running. */
function caseText(job: HandlerJob, announced: AnnouncedCase | undefined, lead = "in"): string {
  if (!announced) return "";
  const c = announced.case;
  const of = job.kind === "certify" ? ` of seed ${job.seed}` : "";
  const messages = c.messages.map((m) => `${m.id} (${m.key}) ${JSON.stringify(m.body)}`).join(", ");
  const plan = c.schedule ? `; schedule ${JSON.stringify(c.schedule)}` : c.faults ? `; fault plan ${JSON.stringify(c.faults)}` : "";
  return `\n  ${lead} ${announced.label}${of}: messages ${messages}${plan}`;
}
