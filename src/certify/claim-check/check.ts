/** What one claim-check case did, as the checker needs it. */
export interface ClaimCheckOutcome {
  /** Envelopes published: message id and size as JSON bytes. */
  published: { id: string; bytes: number }[];
  /** Deliveries: subscription, message, count, and how hydration went. */
  deliveries: { subscription: string; id: string; count: number; result: "exact" | "wrong bytes" | "not found" | "error"; detail?: string }[];
  /** Payloads left in the store after cleanup(). */
  leftInStore: string[];
}

/** A violated claim-check property. */
export interface ClaimCheckViolation {
  kind: "dangling reference" | "wrong bytes" | "orphan payload" | "inline over the limit" | "hydration failed";
  detail: string;
}

/**
 * Every delivered reference hydrates to the exact bytes sent (sha256); no delivery finds its
 * payload gone (a dangling reference: deleted while a copy was still owed); nothing is left in
 * the store once the cleanup window has passed (an orphan); no envelope over the broker's limit.
 */
export function checkClaimCheck(o: ClaimCheckOutcome, maxMessageBytes: number): ClaimCheckViolation[] {
  const out: ClaimCheckViolation[] = [];
  for (const d of o.deliveries) {
    const where = `${d.id} on ${d.subscription} (delivery ${d.count})`;
    if (d.result === "not found") out.push({ kind: "dangling reference", detail: `${where}: its payload is not in the store (deleted already, or never uploaded)${d.detail ? ` (${d.detail})` : ""}` });
    else if (d.result === "wrong bytes") out.push({ kind: "wrong bytes", detail: `${where}: ${d.detail}` });
    else if (d.result === "error") out.push({ kind: "hydration failed", detail: `${where}: ${d.detail}` });
  }
  for (const name of o.leftInStore) out.push({ kind: "orphan payload", detail: `${name} is still in the store after the cleanup window` });
  for (const p of o.published) if (p.bytes > maxMessageBytes) out.push({ kind: "inline over the limit", detail: `the envelope of ${p.id} is ${p.bytes} bytes, over the broker's ${maxMessageBytes}` });
  return out;
}
