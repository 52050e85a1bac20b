import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Op } from "../core/history.js";
import type { Scenario } from "../core/scenario.js";
import { startMemoryEnvironment } from "../environments/memory/environment.js";
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

describe("executeScenario when a client breaks", () => {
  it("records the failed receive as info, continues on a fresh consumer under a new process id, and loses nothing", async () => {
    const url = "memory://";
    const env = startMemoryEnvironment(url, new URL(url));
    const driver = await env.connect({ seed: 3, runId: "t" });
    let consumersOpened = 0;
    const flaky = Object.create(driver) as typeof driver;
    flaky.consumer = async (source, options) => {
      const consumer = await driver.consumer(source, options);
      if (++consumersOpened === 1) consumer.receive = async () => Promise.reject(new Error("connection reset by peer"));
      return consumer;
    };
    const scenario: Scenario = {
      version: 1,
      suite: "test",
      seed: 3,
      entities: [{ kind: "queue", name: "q", lockDurationMs: 30 }],
      producers: [{ name: "p1", target: "q", sends: [{ delayMs: 0, messages: [{ id: "m1" }, { id: "m2" }] }] }],
      consumers: [{ name: "c1", source: "q", mode: "peek-lock", batch: 2, actions: [], startDelayMs: 0 }],
      durationMs: 1_000,
    };
    const recorder = new Recorder(driver.clock);
    await executeScenario(scenario, flaky, recorder, { broker: url, claims: {}, checkers: [] });
    const info = recorder.ops.find((o) => o.f === "receive" && o.type === "info");
    expect(info).toMatchObject({ process: "c1", error: "connection reset by peer" });
    const completes = recorder.ops.filter((o) => o.f === "settle" && o.type === "ok");
    expect(completes.map((o) => o.process)).toEqual(["c1.1", "c1.1"]);
    expect(consumersOpened).toBe(2);
  });
});
