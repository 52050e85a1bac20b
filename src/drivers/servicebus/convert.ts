import type { ServiceBusReceivedMessage } from "@azure/service-bus";
import type { Clock } from "../../core/clock.js";
import { NS_PER_MS } from "../../core/clock.js";
import type { Delivery } from "../../core/history.js";

/** Application property carrying Gauntlet's ordering key (sessions carry it as sessionId too). */
export const KEY_PROPERTY = "gauntlet-key";

/**
 * On existing entities message ids carry a per-driver scope (`gx1a2b3c4d:m1`), so duplicate
 * detection never takes a new scenario's m1 for an earlier scenario's; received ids drop it.
 */
export const scopedId = (scope: string | undefined, id: string): string => (scope ? `${scope}:${id}` : id);
/** The driver's own scope is dropped; another scope (a message left by an earlier scenario) is kept, so it shows as unexpected. */
const unscoped = (id: string, scope: string | undefined): string => (scope && id.startsWith(`${scope}:`) ? id.slice(scope.length + 1) : id);

/** A received message in the history's words: 1-based delivery count, lock expiry on the run clock. */
export function toDelivery(m: ServiceBusReceivedMessage, entity: string, clock: Clock, extra: Partial<Delivery> = {}, idScope?: string): Delivery {
  const key = m.applicationProperties?.[KEY_PROPERTY];
  const d: Delivery = {
    id: unscoped(String(m.messageId ?? ""), idScope),
    entity,
    brokerId: m.sequenceNumber?.toString(),
    // The SDK counts earlier deliveries (0 on the first); the history counts this one too.
    deliveryCount: (m.deliveryCount ?? 0) + 1,
    ...(typeof key === "string" ? { key } : {}),
    ...(m.lockToken ? { lockToken: m.lockToken } : {}),
    ...extra,
  };
  if (m.lockedUntilUtc) d.lockedUntil = onClock(m.lockedUntilUtc, clock);
  if (extra.dlq) {
    if (m.deadLetterReason) d.deadLetterReason = m.deadLetterReason;
    if (m.deadLetterErrorDescription) d.deadLetterDescription = m.deadLetterErrorDescription;
  }
  return d;
}

/** A wall-clock instant as ns on the run's clock. */
export function onClock(at: Date, clock: Clock): number {
  return clock.now() + (at.getTime() - Date.now()) * NS_PER_MS;
}
