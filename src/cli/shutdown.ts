import { constants as osConstants } from "node:os";

/**
 * Cleanup on Ctrl-C / SIGTERM: stop what this command started (brokers, proxies, temp dirs),
 * then exit 130 / 143. Returns a function that removes the handler once cleanup is no longer due.
 */
export function onShutdown(cleanup: (signal: NodeJS.Signals) => Promise<void>): () => void {
  let first = 0;
  const handler = (signal: NodeJS.Signals) => {
    // A terminal sends Ctrl-C to every process of the group and npx (and the shim) forward it
    // again: a repeat within 2 s is that echo. A later one is the user insisting: exit now.
    if (first) {
      if (Date.now() - first > 2_000) process.exit(signalExitCode(signal));
      return;
    }
    first = Date.now();
    process.stderr.write(`\ngauntlet: ${signal} received, stopping what Gauntlet started...\n`);
    cleanup(signal)
      .catch((err) => process.stderr.write(`gauntlet: cleanup failed: ${(err as Error).message}\n`))
      .finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return () => {
    process.off("SIGINT", handler);
    process.off("SIGTERM", handler);
  };
}

/** The exit code for a run stopped by `signal`: 128 + its number (130 for SIGINT, 143 for SIGTERM). */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (osConstants.signals[signal] ?? 15);
}

/** An interruption in progress: `signal` aborts at the first SIGINT/SIGTERM/SIGHUP; `received` names it. */
export interface Interruption {
  signal: AbortSignal;
  received(): NodeJS.Signals | undefined;
  /** Stop listening (the default behaviour of the signals comes back). */
  release(): void;
}

/**
 * For commands that stop themselves and write a partial report (certify): the first SIGINT,
 * SIGTERM or SIGHUP aborts `signal`; the command finishes its report and returns
 * signalExitCode(). Repeats of a signal (a terminal sends Ctrl-C to every process of the group,
 * and npx forwards it again) are ignored.
 */
export function onInterrupt(): Interruption {
  const controller = new AbortController();
  let got: NodeJS.Signals | undefined;
  const handler = (signal: NodeJS.Signals) => {
    if (got) return;
    got = signal;
    process.stderr.write(`\ngauntlet: ${signal} received, stopping and writing a partial report...\n`);
    controller.abort(signal);
  };
  for (const s of INTERRUPTS) process.on(s, handler);
  return {
    signal: controller.signal,
    received: () => got,
    release: () => {
      for (const s of INTERRUPTS) process.off(s, handler);
    },
  };
}

const INTERRUPTS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
