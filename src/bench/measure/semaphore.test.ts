import { fc, test } from "@fast-check/vitest";
import { expect } from "vitest";
import { Semaphore } from "./semaphore.js";

test.prop([fc.integer({ min: 1, max: 8 }), fc.array(fc.nat({ max: 4 }), { minLength: 1, maxLength: 40 })])("a semaphore never lets more than N holders in", async (limit, holds) => {
  const sem = new Semaphore(limit);
  let inside = 0;
  let peak = 0;
  await Promise.all(
    holds.map(async (turns) => {
      await sem.acquire();
      inside++;
      peak = Math.max(peak, inside);
      for (let t = 0; t < turns; t++) await new Promise((r) => setImmediate(r));
      inside--;
      sem.release();
    }),
  );
  expect(peak).toBeLessThanOrEqual(limit);
  expect(sem.maxInFlight).toBeGreaterThanOrEqual(peak);
  expect(sem.maxInFlight).toBeLessThanOrEqual(limit);
  expect(sem.inFlight).toBe(0);
  await sem.idle();
});
