import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { startMemoryEnvironment } from "../environments/memory/environment.js";
import type { ActiveFault, FaultInjector, FaultStep } from "../core/faults.js";
import type { FaultValue, Op } from "../core/history.js";
import type { Scenario } from "../core/scenario.js";
import { Recorder } from "../history/recorder.js";
import { scenarioArbitrary } from "../workload/scenario-arbitrary.js";
import { executeScenario } from "./execute.js";

const [workload] = fc.sample(
  scenarioArbitrary({
    suite: "nemesis",
    topologies: [[{ kind: "queue", name: "q", lockDurationMs: 30, maxDeliveryCount: 3 }]],
    keys: 2,
    producers: { min: 2, max: 2 },
    sendsPerProducer: { min: 4, max: 5 },
    maxBatch: 2,
    consumersPerSource: { min: 1, max: 1 },
    receiveBatch: { min: 1, max: 2 },
    actions: { complete: 1, abandon: 0, crash: 0, slow: 0, renew: 0, deadLetter: 0, defer: 0 },
    actionsPerConsumer: 2,
    durationMs: 2_000,
  }),
  { numRuns: 1, seed: 11 },
);

/** A stand-in injector (the real ones are covered in test/faults.test.ts): it logs what it is asked, with the history length then. */
function fakeInjector(recorder: () => Recorder, failing: string[] = []) {
  const calls: { call: string; opsSoFar: number }[] = [];
  const log = (call: string) => calls.push({ call, opsSoFar: recorder().ops.length });
  const injector: FaultInjector = {
    available: ["latency", "reset-peer", "cut"],
    scope: "all",
    async start(step: FaultStep): Promise<ActiveFault> {
      log(`start ${step.name}`);
      if (failing.includes(step.name)) throw new Error(`cannot ${step.name}`);
      return { stop: async () => void log(`stop ${step.name}`) };
    },
    healAll: async () => void log("healAll"),
    close: async () => void log("close"),
  };
  return { injector, calls };
}

async function run(faults: FaultStep[], failing: string[] = []) {
  const scenario: Scenario = { ...workload!, faults };
  const driver = await startMemoryEnvironment("memory://", new URL("memory://")).connect({ seed: 1, runId: "n" });
  const recorder = new Recorder(driver.clock);
  const { injector, calls } = fakeInjector(() => recorder, failing);
  await executeScenario(scenario, driver, recorder, { broker: "memory://", claims: {}, checkers: [], faults: injector });
  const ops: Op[] = [...recorder.ops];
  const nemesis = ops.filter((o) => o.process === "nemesis");
  const fault = (o: Op) => `${o.type} ${(o.value as FaultValue).name} ${(o.value as FaultValue).phase}`;
  return { ops, calls, nemesis, faultOps: nemesis.map(fault) };
}

describe("the nemesis", () => {
  it("records each window as start and stop op pairs on process nemesis, skips windows after the run, and heals before the drain", async () => {
    const { ops, calls, nemesis, faultOps } = await run([
      { name: "latency", atMs: 0, durationMs: 5, params: { latency: 50 } },
      { name: "reset-peer", atMs: 10, durationMs: 5 },
      { name: "cut", atMs: 60_000, durationMs: 5 }, // long after the workload: never opened
    ]);
    expect(faultOps).toEqual(["invoke latency start", "ok latency start", "invoke latency stop", "ok latency stop", "invoke reset-peer start", "ok reset-peer start", "invoke reset-peer stop", "ok reset-peer stop"]);
    expect(nemesis.every((o) => o.f === "fault" && (o.value as FaultValue).target === "all")).toBe(true);
    expect((nemesis[0]!.value as FaultValue).detail).toEqual({ latency: 50 });
    expect(calls.map((c) => c.call)).toEqual(["start latency", "stop latency", "start reset-peer", "stop reset-peer", "healAll"]);
    // Every drain op comes after healAll: the drain measures the broker, not the fault.
    const healedAt = calls.find((c) => c.call === "healAll")!.opsSoFar;
    const drains = ops.map((o, i) => ({ o, i })).filter(({ o }) => o.f === "drain");
    expect(drains.length).toBeGreaterThan(0);
    expect(drains.every(({ i }) => i >= healedAt)).toBe(true);
  });

  it("closes a window still open when the clients finish, before the drain", async () => {
    const { ops, calls, faultOps } = await run([{ name: "latency", atMs: 0, durationMs: 60_000 }]);
    expect(faultOps).toEqual(["invoke latency start", "ok latency start", "invoke latency stop", "ok latency stop"]);
    expect(calls.map((c) => c.call)).toEqual(["start latency", "stop latency", "healAll"]);
    const stopIndex = ops.findIndex((o) => o.process === "nemesis" && o.type === "ok" && (o.value as FaultValue).phase === "stop");
    expect(ops.findIndex((o) => o.f === "drain")).toBeGreaterThan(stopIndex);
  });

  it("records a fault that cannot be applied as info, heals, and lets the run go on", async () => {
    const { ops, calls, faultOps } = await run([{ name: "cut", atMs: 0, durationMs: 5 }, { name: "latency", atMs: 10, durationMs: 5 }], ["cut"]);
    expect(faultOps).toEqual(["invoke cut start", "info cut start", "invoke cut stop", "ok cut stop", "invoke latency start", "ok latency start", "invoke latency stop", "ok latency stop"]);
    expect(ops.find((o) => o.process === "nemesis" && o.type === "info")?.error).toMatch(/cannot cut/);
    expect(calls.map((c) => c.call)).toEqual(["start cut", "healAll", "start latency", "stop latency", "healAll"]);
    expect(ops.some((o) => o.f === "drain" && o.type === "ok")).toBe(true);
  });
});
