import type { ServiceBusReceivedMessage } from "@azure/service-bus";
import type { Clock } from "../../core/clock.js";
import { NS_PER_MS } from "../../core/clock.js";
import type { Delivery } from "../../core/history.js";

/** Application property carrying Gauntlet's ordering key (sessions carry it as sessionId too). */
export const KEY_PROPERTY = "gauntlet-key";

/** A received message in the history's words: 1-based delivery count, lock expiry on the run clock. */
export function toDelivery(m: ServiceBusReceivedMessage, entity: string, clock: Clock, extra: Partial<Delivery> = {}): Delivery {
  const key = m.applicationProperties?.[KEY_PROPERTY];
  const d: Delivery = {
    id: String(m.messageId ?? ""),
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
