import { UsageError } from "../core/errors.js";

/** `gauntlet certify --pattern claim-check MODULE` (not available yet in this build). */
export async function certifyClaimCheckCommand(_path: string, _options: { runs: number; seed: number; timeoutMs: number; store?: string; json: boolean }): Promise<number> {
  throw new UsageError("--pattern claim-check is not available in this version of Gauntlet", "use --pattern outbox, or certify a handler without --pattern");
}
