import type { Checker } from "../core/checker.js";
import type { History } from "../core/history.js";
import { copiesOf } from "../core/entities.js";
import { claimCheckOps, settledBefore } from "./claim-check-ops.js";
import { Findings } from "./findings.js";

/**
 * Claim-check: no orphan after the cleanup window. A payload still in the store when it was
 * listed (the `store` op) is `orphan-payload` when no sent message references it (an upload
 * whose producer crashed before sending), or when every copy of its message was settled (it
 * should have been deleted). A payload some copy still owes is not an orphan. Without the
 * listing (the run ended early) the verdict is unknown.
 */
export const claimCheckOrphans: Checker = {
  name: "claim-check-orphans",
  description: "claim-check: nothing is left in the store after the cleanup window (no payload without a message, none kept after every copy was settled)",
  anomalies: ["orphan-payload", "store-not-listed"],
  check(history: History, context) {
    const ops = claimCheckOps(history);
    const f = new Findings();
    if (!ops.any) return f.result(true, { notApplicable: true, reason: "not a claim-check run (no send carries a claim)" });
    if (!ops.store) {
      f.report("store-not-listed");
      return f.result("unknown", { reason: "the store was never listed after the cleanup window (the run ended early)" });
    }
    const byRef = new Map([...ops.sent.values()].flatMap((s) => (s.claim.ref ? [[s.claim.ref, s] as const] : [])));
    const idOf = new Map([...ops.sent.entries()].flatMap(([id, s]) => (s.claim.ref ? [[s.claim.ref, id] as const] : [])));
    const entities = context.setup.entities;
    for (const ref of ops.store.value.payloads ?? []) {
      const sent = byRef.get(ref);
      if (!sent) {
        const upload = ops.uploads.find((u) => u.value.ref === ref);
        if (f.report("orphan-payload")) f.example("orphan-payload", { indexes: [ops.store.index, ...(upload ? [upload.index] : [])], ...(upload ? { id: upload.value.id } : {}), explanation: `${ref} is in the store after the cleanup window, but no sent message references it${upload ? ` (uploaded for ${upload.value.id}, whose producer never sent this reference)` : ""}` });
        continue;
      }
      const id = idOf.get(ref)!;
      const copies = copiesOf(sent.target, entities);
      if (copies.length > 0 && copies.every((c) => settledBefore(ops, id, c, ops.store!.index))) {
        if (f.report("orphan-payload")) f.example("orphan-payload", { indexes: [ops.store.index, sent.index], id, explanation: `${ref} is in the store after the cleanup window, though every copy of ${id} (${copies.join(", ")}) was settled` });
      } else f.count("kept-for-an-owed-copy");
    }
    return f.result(f.any(["orphan-payload"]) ? false : true, { stats: { left: ops.store.value.payloads?.length ?? 0 } });
  },
};
