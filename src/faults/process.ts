import type { ActiveFault, FaultStep, ProcessControl } from "../core/faults.js";

export type { ProcessControl } from "../core/faults.js";

/** Start a process fault: the window's stop() undoes it (restart, continue). */
export async function startProcessFault(control: ProcessControl, step: FaultStep): Promise<ActiveFault> {
  const undo = step.name === "kill" ? await control.kill() : step.name === "pause" ? await control.pause() : step.name === "restart" ? await control.restart() : undefined;
  if (!undo) throw new Error(`${step.name} is not a process fault`);
  return { stop: undo };
}
