import type { Checker } from "../core/checker.js";
import type { History } from "../core/history.js";
import { claimCheckOps, copyKey } from "./claim-check-ops.js";
import { Findings } from "./findings.js";

/**
 * Claim-check: every delivered reference hydrates to the exact bytes sent. Each hydration's
 * sha256 and size (recorded by the consumer) must equal the claim of the send that carried the
 * reference; a reference no send carried is `unknown-reference`. A copy delivered with a
 * reference that was never hydrated (the store unreachable through every retry) leaves its bytes
 * unverified: `unhydrated`, verdict unknown.
 */
export const claimCheckHashes: Checker = {
  name: "claim-check-hashes",
  description: "claim-check: every delivered reference hydrates to the exact bytes sent (sha256)",
  anomalies: ["wrong-bytes", "unknown-reference", "unhydrated"],
  check(history: History) {
    const ops = claimCheckOps(history);
    const f = new Findings();
    if (!ops.any) return f.result(true, { notApplicable: true, reason: "not a claim-check run (no send carries a claim)" });
    let exact = 0;
    for (const h of ops.hydrates) {
      if (!h.value.found) continue;
      const sent = ops.sent.get(h.value.id);
      if (!sent || sent.claim.ref !== h.value.ref) {
        if (f.report("unknown-reference")) f.example("unknown-reference", { indexes: [h.index], id: h.value.id, entity: h.value.entity, explanation: `${h.value.id} on ${h.value.entity} hydrated reference ${h.value.ref}, which no send of ${h.value.id} carried` });
        continue;
      }
      if (h.value.sha256 === sent.claim.sha256 && h.value.bytes === sent.claim.bytes) {
        exact += 1;
        continue;
      }
      if (f.report("wrong-bytes")) {
        f.example("wrong-bytes", { indexes: [sent.index, h.index], id: h.value.id, entity: h.value.entity, explanation: `${h.value.id} on ${h.value.entity}: ${h.value.ref} hydrated to sha256 ${h.value.sha256?.slice(0, 12)}… (${h.value.bytes} bytes), sent ${sent.claim.sha256.slice(0, 12)}… (${sent.claim.bytes} bytes)` });
      }
    }
    const hydrated = new Set(ops.hydrates.map((h) => copyKey(h.value.id, h.value.entity)));
    for (const [key, index] of ops.delivered) {
      const id = key.slice(0, key.lastIndexOf("@"));
      if (!ops.sent.get(id)?.claim.ref || hydrated.has(key)) continue;
      if (f.report("unhydrated")) f.example("unhydrated", { indexes: [index], id, entity: key.slice(id.length + 1), explanation: `${id} was delivered on ${key.slice(id.length + 1)} with a reference that was never hydrated: its bytes are unverified` });
    }
    const valid = f.any(["wrong-bytes", "unknown-reference"]) ? false : f.any(["unhydrated"]) ? "unknown" : true;
    return f.result(valid, { stats: { hydratedExact: exact }, ...(valid === "unknown" ? { reason: `${f.total("unhydrated")} delivered reference(s) were never hydrated` } : {}) });
  },
};
