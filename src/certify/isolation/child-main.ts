/**
 * The handler process: runs one job (a chunk of a certify run, or a replay) against the user's
 * handler and reports on fd 3 (see protocol.ts). Started by handler-process.ts, never by a user.
 * Whatever the handler does here — exit, crash, throw in the background, loop forever — the
 * parent sees and names it; this process only has to say, before each call, what it is doing.
 */
import { openSync, rmSync, writeSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { GauntletError, describeError } from "../../core/errors.js";
import { certifyHandler } from "../certify.js";
import { LoadedHandler, settleWithin } from "../handler.js";
import { replayCertify } from "../replay.js";
import type { CertifyCase } from "../arbitrary.js";
import { type AnnouncedCase, CALLS_BYTES, type CaseRecord, HEARTBEAT_MS, type HandlerJob, REPORT_FD } from "./protocol.js";

const job = JSON.parse(process.argv[2] ?? "{}") as HandlerJob;

/** Write one line to the parent now (synchronously), or die if the parent is gone. */
function say(line: string): void {
  const buffer = Buffer.from(`${line}\n`);
  let written = 0;
  while (written < buffer.length) {
    try {
      written += writeSync(REPORT_FD, buffer, written);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "EAGAIN") continue;
      orphaned();
    }
  }
}

function orphaned(): never {
  rmSync(job.tempDir, { recursive: true, force: true });
  process.kill(process.pid, "SIGKILL");
  throw new Error("unreachable");
}

// The parent decides when to stop (Ctrl-C reaches the whole process group): this process ignores
// the polite signals and is SIGKILLed by the parent, or by the watchdog below when the parent dies.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => {});

// A thread of its own watches stdin, a pipe the parent never writes: it closes when the parent
// dies in any way. It then removes the store directory and kills this process, even when the
// main thread is stuck in the handler's synchronous loop.
const WATCHDOG = `
const { workerData } = require("node:worker_threads");
const { rmSync } = require("node:fs");
const { Socket } = require("node:net");
const gone = () => { try { rmSync(workerData.tempDir, { recursive: true, force: true }); } finally { process.kill(process.pid, "SIGKILL"); } };
const pipe = new Socket({ fd: 0, readable: true, writable: false });
pipe.on("data", () => {}).on("end", gone).on("close", gone).on("error", gone);
`;
new Worker(WATCHDOG, { eval: true, workerData: { tempDir: job.tempDir } }).unref();

// An error that escapes the handler outside any awaited call (a timer, an event listener, a
// promise nobody awaits) would end a plain Node process with a stack trace; here it is reported.
process.on("uncaughtException", (err) => background("an uncaught exception", err));
process.on("unhandledRejection", (reason) => background("an unhandled promise rejection", reason));
function background(kind: string, err: unknown): void {
  say(`X ${JSON.stringify({ kind, error: describeError(err) })}`);
  process.exit(70);
}

/** The state file: what is running now, for the parent to read after an exit, a crash or a hang. */
const stateFd = openSync(job.stateFile, "w");
const high = { calls: 0, case: 0 };
function record(region: "calls" | "case", text: string): void {
  let bytes = Buffer.from(text);
  if (region === "calls" && bytes.length > CALLS_BYTES) bytes = Buffer.from("[]");
  if (bytes.length < high[region]) bytes = Buffer.concat([bytes, Buffer.alloc(high[region] - bytes.length, 0x20)]);
  high[region] = bytes.length;
  writeSync(stateFd, bytes, 0, bytes.length, region === "calls" ? 0 : CALLS_BYTES);
}

let executed = 0;
let failing: AnnouncedCase | undefined;
let current: AnnouncedCase | undefined;
setInterval(() => say(`H ${executed} ${failing ? 1 : 0}`), HEARTBEAT_MS);

const inProgress = new Map<number, string>();
let calls = 0;
const tracer = (call: string) => {
  const id = ++calls;
  inProgress.set(id, call);
  record("calls", JSON.stringify([...inProgress.values()]));
  return () => {
    inProgress.delete(id);
    record("calls", JSON.stringify([...inProgress.values()]));
  };
};
const onCase = (label: string, c: CertifyCase) => {
  current = { label, case: c };
  const r: CaseRecord = { executed, label, case: c, ...(failing ? { failing } : {}) };
  record("case", JSON.stringify(r));
};

async function run(): Promise<unknown> {
  const handler = await LoadedHandler.load(job.handlerPath, { storeDir: job.storeDir }, { timeoutMs: job.timeoutMs, tracer });
  say(`L ${JSON.stringify({ absolutePath: handler.absolutePath, sha256: handler.sha256 })}`);
  try {
    if (job.kind === "replay") {
      onCase("the repro", { messages: job.repro.messages, schedule: job.repro.schedule, faults: job.repro.faults });
      const outcome = await replayCertify(handler, job.repro, job.times);
      return { reproduced: outcome.reproduced, shown: outcome.shown };
    }
    const run = await certifyHandler(handler, {
      runs: job.runs,
      seed: job.seed,
      semantics: job.semantics,
      mode: job.mode,
      startAt: job.startAt,
      preflight: job.preflight,
      onCase,
      onProgress: (n, failed) => {
        executed = n;
        if (failed) failing ??= current;
      },
    });
    return { run, rssBytes: process.memoryUsage.rss() };
  } finally {
    // give restart() a chance to close connections; a failing or hanging one changes nothing now
    if (handler.module.restart) await settleWithin((async () => handler.module.restart!({ storeDir: job.storeDir }))(), job.timeoutMs, () => new Error("restart() timed out")).catch(() => {});
  }
}

run().then(
  (result) => {
    say(`D ${JSON.stringify(result)}`);
    process.exit(0);
  },
  (err: unknown) => {
    if (err instanceof GauntletError && err.exitCode === 3) say(`U ${JSON.stringify({ message: err.message, fix: err.fix })}`);
    else say(`I ${JSON.stringify({ message: describeError(err) })}`);
    process.exit(0);
  },
);
