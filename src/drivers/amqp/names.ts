import type { EntitySpec } from "../../core/entities.js";

/**
 * Maps logical entity names to RabbitMQ names unique to one driver connection, so runs never
 * see each other's messages: queue `orders` → `gauntlet.<run>.orders` (+ `.dlq`); topic
 * `events` → fanout exchange `gauntlet.<run>.events` with a queue per subscription.
 */
export class AmqpNames {
  /** Addresses and topics that already exist (a plan's useExisting): named verbatim, a subscription by its queue's name. */
  readonly existing = new Set<string>();

  constructor(readonly prefix: string) {}

  queue(address: string): string {
    if (this.existing.has(address)) return address.includes("/") ? address.slice(address.indexOf("/") + 1) : address;
    return `${this.prefix}.${address.replace("/", ".")}`;
  }

  deadLetterQueue(address: string): string {
    return `${this.queue(address)}.dlq`;
  }

  exchange(topic: string): string {
    if (this.existing.has(topic)) return topic;
    return `${this.prefix}.${topic}`;
  }

  /** Is `target` a topic (fanout exchange) in `entities`? */
  static isTopic(target: string, entities: readonly EntitySpec[]): boolean {
    return entities.some((e) => e.kind === "topic" && e.name === target);
  }
}

/** RabbitMQ's x-first-death-reason, in the words the history uses. */
export function deathReason(reason: unknown): string | undefined {
  if (reason === undefined || reason === null) return undefined;
  const text = String(reason);
  if (text === "delivery_limit") return "MaxDeliveryCountExceeded";
  if (text === "expired") return "TTLExpiredException";
  return text;
}
