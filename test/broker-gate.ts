import { it } from "vitest";

/**
 * Real-broker tests run when the broker is installed. Otherwise they are reported as skipped
 * with the exact install command, and GAUNTLET_REQUIRE_BROKERS=1 (set by .ci/run) turns that
 * skip into a failure, so CI can never pass by not testing.
 */
export function requireBroker(name: string, installed: boolean, install: string): boolean {
  if (installed) return true;
  const message = `${name} is not installed; install it with: ${install}`;
  if (process.env.GAUNTLET_REQUIRE_BROKERS === "1") {
    it(`${name} is installed (GAUNTLET_REQUIRE_BROKERS=1)`, () => {
      throw new Error(message);
    });
  } else {
    it.skip(`${name} tests skipped — ${message}`, () => {});
  }
  return false;
}
