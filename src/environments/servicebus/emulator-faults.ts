import { UsageError } from "../../core/errors.js";
import { FAULTS, type FaultInjector, type FaultStep, protocolFaultsOf, protocolStepProblem } from "../../core/faults.js";
import type { Faults } from "../../emulator/servicebus/index.js";

/** The AMQP 1.0 faults the embedded emulator's hooks inject. */
export const EMULATOR_FAULTS = protocolFaultsOf("amqp-1.0");

/**
 * The nemesis of `servicebus-emulator://`: the AMQP 1.0 protocol faults, applied through the
 * fault hooks of the emulator serving the current scenario (docs/faults.md). Armed faults
 * (server-busy, dispositions) record at the window's end how many answers they changed; the
 * instant ones (detach, drop, lose locks) how many links, sockets or locks they hit.
 */
export function emulatorFaults(current: () => Faults | undefined): FaultInjector {
  const hooks = (step: FaultStep): Faults => {
    const f = current();
    if (!f) throw new Error(`fault ${step.name}: no emulator is serving a scenario`);
    return f;
  };
  return {
    available: EMULATOR_FAULTS,
    scope: "all",
    async start(step) {
      if (!EMULATOR_FAULTS.includes(step.name)) throw new UsageError(`fault ${step.name} is not available on servicebus-emulator://`, `available: ${EMULATOR_FAULTS.join(", ")}`);
      const problem = protocolStepProblem(step);
      if (problem) throw new UsageError(`fault ${problem}`, `faults on servicebus-emulator://: ${EMULATOR_FAULTS.join(", ")}; see docs/faults.md`);
      const f = hooks(step);
      const p: Record<string, number> = { ...FAULTS[step.name].defaults, ...step.params };
      const count = p.count ?? 1;
      switch (step.name) {
        case "server-busy":
          f.serverBusy(count);
          return {
            stop: async () => {
              const fired = count - f.pending().serverBusy;
              f.serverBusy(0);
              return { fired };
            },
          };
        case "delayed-disposition":
        case "lost-disposition":
          if (step.name === "lost-disposition") f.dropDispositions(count);
          else f.delayDispositions(p.delay ?? 500, count);
          return {
            stop: async () => {
              const fired = count - f.pending().dispositions;
              f.dropDispositions(0);
              return { fired };
            },
          };
        case "credit-starved":
          f.starveCredit(true);
          return { stop: async () => (f.starveCredit(false), { fired: 1 }) };
        case "detach-links": {
          const fired = f.detachLinks();
          return { stop: async () => ({ fired }) };
        }
        case "drop-connections": {
          const fired = f.dropConnections();
          return { stop: async () => ({ fired }) };
        }
        case "lose-locks": {
          const fired = f.loseLocks();
          return { stop: async () => ({ fired }) };
        }
        default:
          throw new UsageError(`fault ${step.name} is not available on servicebus-emulator://`, `available: ${EMULATOR_FAULTS.join(", ")}`);
      }
    },
    async healAll() {
      current()?.reset();
    },
    async close() {},
  };
}
