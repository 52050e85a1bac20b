import fc from "fast-check";

/** The broker's message size limit the cases use: bodies above it must go through the store. */
export const MAX_MESSAGE_BYTES = 1024;

/**
 * One claim-check case: messages (small ones fit inline, large ones do not), a topic with 1-3
 * subscriptions (fan-out), producers that crash after their first call (an upload, or a publish)
 * and retry later, and consumers that crash after hydrating, before the ack (a redelivery follows).
 */
export interface ClaimCheckCase {
  messages: { id: string; size: number; producerCrash: boolean }[];
  subscriptions: number;
  crashBeforeAck: { subscription: number; message: number }[];
}

export const claimCheckCaseArbitrary: fc.Arbitrary<ClaimCheckCase> = fc.record({
  messages: fc
    .array(fc.record({ size: fc.oneof(fc.integer({ min: 1, max: 200 }), fc.integer({ min: MAX_MESSAGE_BYTES + 1, max: 3 * MAX_MESSAGE_BYTES })), producerCrash: fc.nat({ max: 3 }).map((n) => n === 3) }), { minLength: 1, maxLength: 3 })
    .map((list) => list.map((m, i) => ({ id: `m${i + 1}`, ...m }))),
  subscriptions: fc.integer({ min: 1, max: 3 }),
  crashBeforeAck: fc.array(fc.record({ subscription: fc.nat({ max: 2 }), message: fc.nat({ max: 2 }) }), { maxLength: 2 }),
});

/** The deterministic payload of a message: `size` bytes that differ per message. */
export function payload(id: string, size: number): Uint8Array {
  const seed = Number(id.slice(1)) * 31;
  return Uint8Array.from({ length: size }, (_, i) => (seed + i * 7 + (i >> 8)) & 255);
}

/** The case in one line. */
export function describeCase(c: ClaimCheckCase): string[] {
  return [
    ...c.messages.map((m) => `${m.id}: ${m.size} bytes (${m.size > MAX_MESSAGE_BYTES ? "over" : "under"} the ${MAX_MESSAGE_BYTES}-byte limit)${m.producerCrash ? ", its producer crashes after its first call and retries later" : ""}`),
    `topic with ${c.subscriptions} subscription${c.subscriptions === 1 ? "" : "s"} (${subscriptionNames(c.subscriptions).join(", ")})`,
    ...c.crashBeforeAck.map((x) => `consumer of s${x.subscription + 1} crashes after hydrating m${x.message + 1}, before the ack`),
  ];
}

export function subscriptionNames(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `s${i + 1}`);
}
