/** What a driver (broker family + settings) can do. Suites and conformance checks require these. */
export const CAPABILITIES = [
  "peek-lock",
  "receive-and-delete",
  "abandon",
  "dead-letter",
  "defer",
  "renew-lock",
  "lock-expiry",
  "delivery-count",
  "max-delivery-count",
  "ordered-keys",
  "topics",
  "duplicate-detection",
  "dead-letter-reason",
  "batch-send",
] as const;

export type Capability = (typeof CAPABILITIES)[number];

/** Capabilities in `required` that `available` lacks. */
export function missingCapabilities(required: readonly Capability[], available: ReadonlySet<Capability>): Capability[] {
  return required.filter((c) => !available.has(c));
}
