import type { Test } from "../core/test.js";
import { readRepro } from "../runner/repro.js";

/** The test that replays a repro file (`gauntlet replay FILE`): its scenario, `times` times, on its broker or `broker`. */
export async function readReplayTest(file: string, options: { times?: number; broker?: string; out?: string; store?: string } = {}): Promise<Test> {
  const repro = await readRepro(file);
  return {
    broker: options.broker ?? repro.broker,
    ...(options.out ? { out: options.out } : {}),
    ...(options.store ? { store: options.store } : {}),
    replay: { suite: repro.suite, scenario: repro.scenario, seed: repro.seed, times: options.times ?? 1, file, broker: repro.broker, ...(repro.checkers ? { checkers: repro.checkers, claims: repro.claims ?? {} } : {}) },
  };
}
