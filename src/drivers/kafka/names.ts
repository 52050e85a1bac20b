/**
 * Logical entities → Kafka names unique to one driver connection: queue `orders` → topic
 * `gauntlet.<run>.orders` read by group `gauntlet.<run>.orders`; topic `events` → topic
 * `gauntlet.<run>.events` with one consumer group per subscription (`….events.billing`).
 */
export class KafkaNames {
  /** Topics that already exist (a plan's useExisting): named verbatim, never created or deleted. */
  readonly existing = new Set<string>();

  constructor(readonly prefix: string) {}

  topic(target: string): string {
    const name = target.split("/")[0]!;
    return this.existing.has(name) ? name : `${this.prefix}.${name}`;
  }

  /** The consumer group that plays the queue or subscription at `address`. */
  group(address: string): string {
    return `${this.prefix}.${address.replace("/", ".")}`;
  }
}

/** Message headers carrying Gauntlet's ids (the Kafka key stays the ordering key). */
export const ID_HEADER = "gauntlet-id";
export const KEY_HEADER = "gauntlet-key";
