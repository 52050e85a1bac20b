import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Op } from "../core/history.js";
import type { Scenario } from "../core/scenario.js";
import { startMemoryEnvironment } from "../brokers/memory/environment.js";
import { Recorder } from "../history/recorder.js";
import { scenarioArbitrary } from "../workload/scenario-arbitrary.js";
import { executeScenario } from "./execute.js";

const workload = scenarioArbitrary({
  suite: "test",
  topologies: [
    [{ kind: "queue", name: "q", lockDurationMs: 30, maxDeliveryCount: 3 }],
    [{ kind: "topic", name: "t", subscriptions: [{ name: "a", lockDurationMs: 30 }, { name: "b", lockDurationMs: 30 }] }],
  ],
  keys: 3,
  producers: { min: 1, max: 2 },
  sendsPerProducer: { min: 1, max: 5 },
  maxBatch: 3,
  consumersPerSource: { min: 1, max: 2 },
  receiveBatch: { min: 1, max: 3 },
  actions: { complete: 4, abandon: 1, crash: 1, slow: 1, renew: 1, deadLetter: 1, defer: 1 },
  actionsPerConsumer: 6,
  durationMs: 2_000,
});

async function record(scenario: Scenario, url = "memory://"): Promise<Op[]> {
  const env = startMemoryEnvironment(url, new URL(url));
  const driver = await env.connect({ seed: scenario.seed, runId: "t" });
  const recorder = new Recorder(driver.clock);
  await executeScenario(scenario, driver, recorder, { broker: url, claims: {}, checkers: [] });
  return [...recorder.ops];
}

describe("executeScenario on the memory broker", () => {
  it("replays a scenario identically (same ops, same virtual times)", async () => {
    await fc.assert(
      fc.asyncProperty(workload, async (scenario) => {
        const a = await record(scenario);
        const b = await record(scenario);
        expect(b).toEqual(a);
      }),
      { numRuns: 15, seed: 42 },
    );
  });

  it("delivers every sent message exactly to each copy and leaves no op outstanding", async () => {
    await fc.assert(
      fc.asyncProperty(workload, async (scenario) => {
        const ops = await record(scenario);
        const invokes = ops.filter((o) => o.type === "invoke").length;
        expect(ops.length).toBe(invokes * 2);
        const sent = new Set(scenario.producers.flatMap((p) => p.sends.flatMap((s) => s.messages.map((m) => m.id))));
        const seen = new Set<string>();
        for (const op of ops) {
          const deliveries = (op.type === "ok" && (op.value as { deliveries?: { id: string }[] })?.deliveries) || [];
          for (const d of deliveries) seen.add(d.id);
        }
        expect([...sent].filter((id) => !seen.has(id))).toEqual([]);
      }),
      { numRuns: 25, seed: 7 },
    );
  });
});
