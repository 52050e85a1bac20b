import type { Checker } from "../core/checker.js";
import type { History } from "../core/history.js";
import { claimCheckOps, settledBefore } from "./claim-check-ops.js";
import { Findings } from "./findings.js";

/**
 * Claim-check: no dangling reference. A delivery whose payload is gone from the store while that
 * copy was still owed (not yet completed, nor drained) is `dangling-reference`: the payload was
 * deleted too early (on the first read under fan-out, before the ack) or never uploaded. A copy
 * redelivered after it was completed and its payload deleted is allowed
 * (`redelivered-after-delete`, counted): the consumer has nothing left to do.
 */
export const claimCheckDangling: Checker = {
  name: "claim-check-dangling",
  description: "claim-check: no reference is delivered after its payload was deleted while a copy was still owed",
  anomalies: ["dangling-reference"],
  check(history: History) {
    const ops = claimCheckOps(history);
    const f = new Findings();
    if (!ops.any) return f.result(true, { notApplicable: true, reason: "not a claim-check run (no send carries a claim)" });
    for (const h of ops.hydrates) {
      if (h.value.found !== false) continue;
      if (settledBefore(ops, h.value.id, h.value.entity, h.index)) {
        f.count("redelivered-after-delete");
        continue;
      }
      if (f.report("dangling-reference")) f.example("dangling-reference", { indexes: [h.index], id: h.value.id, entity: h.value.entity, explanation: `${h.value.id} on ${h.value.entity}: ${h.value.ref} was not in the store, yet this copy had not been settled` });
    }
    const reason = f.total("redelivered-after-delete") ? `${f.total("redelivered-after-delete")} copies were redelivered after they were settled and their payload deleted (allowed)` : undefined;
    return f.result(f.any(["dangling-reference"]) ? false : true, reason ? { reason } : {});
  },
};

