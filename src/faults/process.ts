import type { ActiveFault, FaultStep } from "../core/faults.js";

/** What a broker process Gauntlet started can suffer; each returns when the fault is in force. */
export interface ProcessControl {
  /** SIGKILL now; the returned function restarts it on the same data and ports. */
  kill(): Promise<() => Promise<void>>;
  /** SIGSTOP now; the returned function sends SIGCONT. */
  pause(): Promise<() => Promise<void>>;
  /** Clean shutdown now; the returned function starts it again. */
  restart(): Promise<() => Promise<void>>;
}

/** Start a process fault: the window's stop() undoes it (restart, continue). */
export async function startProcessFault(control: ProcessControl, step: FaultStep): Promise<ActiveFault> {
  const undo = step.name === "kill" ? await control.kill() : step.name === "pause" ? await control.pause() : step.name === "restart" ? await control.restart() : undefined;
  if (!undo) throw new Error(`${step.name} is not a process fault`);
  return { stop: undo };
}
