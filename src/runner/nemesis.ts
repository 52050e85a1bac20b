import type { Clock } from "../core/clock.js";
import type { ActiveFault, FaultInjector, FaultStep } from "../core/faults.js";
import type { FaultValue } from "../core/history.js";
import { NS_PER_MS } from "../core/clock.js";
import { describeError } from "../core/errors.js";
import type { Recorder } from "../history/recorder.js";

const PROCESS = "nemesis";

/**
 * Opens and closes the scenario's fault windows while producers and consumers run. Each phase
 * is an op pair on process "nemesis" (f "fault", value {name, phase}); a fault that could not
 * be applied is recorded `info`. finish() closes whatever is open, skips windows not yet
 * started and heals everything, so the final drain measures the broker, not the fault.
 */
export class Nemesis {
  private stopped = false;
  private readonly done: Promise<void>;
  private active: { step: FaultStep; fault: ActiveFault } | undefined;
  private readonly wake = new AbortController();

  constructor(
    steps: readonly FaultStep[],
    private readonly injector: FaultInjector,
    private readonly recorder: Recorder,
    private readonly clock: Clock,
    /** Recorded as each window's target instead of the step's scope (e.g. "store": faults in front of the blob store). */
    private readonly target?: string,
  ) {
    const origin = clock.now();
    const ordered = [...steps].sort((a, b) => a.atMs - b.atMs);
    this.done = this.run(ordered, origin);
  }

  private async run(steps: FaultStep[], origin: number): Promise<void> {
    for (const step of steps) {
      if (!(await this.sleepUntil(origin + step.atMs * NS_PER_MS))) return;
      const fault = await this.phase(step, "start", () => this.injector.start(step));
      if (!fault) {
        // A failed start may be half applied (one proxy of two): heal now and close the window.
        await this.phase(step, "stop", () => this.injector.healAll());
        continue;
      }
      this.active = { step, fault };
      const ended = await this.sleepUntil(origin + (step.atMs + step.durationMs) * NS_PER_MS);
      if (!ended) return; // finish() closes it
      this.active = undefined;
      await this.phase(step, "stop", () => fault.stop());
    }
  }

  private async sleepUntil(at: number): Promise<boolean> {
    const ms = Math.max(0, (at - this.clock.now()) / NS_PER_MS);
    if (ms > 0 && !this.stopped) {
      // An aborted sleep never resolves, so finish() wakes this wait itself.
      const signal = this.wake.signal;
      await new Promise<void>((resolve) => {
        signal.addEventListener("abort", () => resolve(), { once: true });
        this.clock.sleep(ms, signal).then(resolve, resolve);
      });
    }
    return !this.stopped;
  }

  private async phase<T>(step: FaultStep, phase: "start" | "stop", act: () => Promise<T>): Promise<T | undefined> {
    const value: FaultValue = { name: step.name, phase, ...(step.params || step.stream ? { detail: { ...step.params, ...(step.stream ? { stream: step.stream } : {}) } } : {}), target: this.target ?? step.scope ?? this.injector.scope };
    const pending = this.recorder.invoke(PROCESS, "fault", value);
    try {
      const result = await act();
      // Cluster faults say what they hit (start: fault.detail) and what the broker made of it (stop's result).
      const extra = phase === "start" ? (result as ActiveFault | undefined)?.detail : (result as Record<string, unknown> | void) ?? undefined;
      this.recorder.complete(pending, "ok", extra && typeof extra === "object" ? { ...value, detail: { ...value.detail, ...extra } } : value);
      return result;
    } catch (error) {
      this.recorder.complete(pending, "info", value, describeError(error));
      return undefined;
    }
  }

  /** Close the open window, skip the rest, heal everything. Never throws. */
  async finish(): Promise<void> {
    this.stopped = true;
    this.wake.abort();
    await this.done.catch(() => {});
    if (this.active) {
      const { step, fault } = this.active;
      this.active = undefined;
      await this.phase(step, "stop", () => fault.stop());
    }
    await this.injector.healAll().catch(() => {});
  }
}
