import type { Checker } from "../core/checker.js";
import type { History, SendValue } from "../core/history.js";
import { Findings } from "./findings.js";

/**
 * Claim-check: the threshold is respected. A message sent without a reference whose payload (or
 * whatever the broker carried) is over the run's threshold (setup.claimCheck.thresholdBytes) is
 * `inline-over-threshold`: it should have gone to the store.
 */
export const claimCheckThreshold: Checker = {
  name: "claim-check-threshold",
  description: "claim-check: nothing over the threshold travels inline (only references do)",
  anomalies: ["inline-over-threshold"],
  check(history: History, context) {
    const f = new Findings();
    const limit = context.setup.claimCheck?.thresholdBytes;
    if (limit === undefined) return f.result(true, { notApplicable: true, reason: "not a claim-check run (the setup names no threshold)" });
    let inline = 0;
    for (const op of history) {
      if (op.f !== "send" || op.type !== "invoke") continue;
      for (const m of (op.value as SendValue).messages ?? []) {
        if (m.claim?.ref) continue;
        const bytes = Math.max(m.claim?.bytes ?? 0, m.size ?? 0);
        if (bytes <= limit) {
          inline += 1;
          continue;
        }
        if (f.report("inline-over-threshold")) f.example("inline-over-threshold", { indexes: [op.index], id: m.id, explanation: `${m.id} was sent inline with ${bytes} bytes, over the ${limit}-byte threshold` });
      }
    }
    return f.result(f.any(["inline-over-threshold"]) ? false : true, { stats: { inline } });
  },
};
