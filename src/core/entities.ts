/** Entity (queue, topic, subscription) declarations shared by scenarios, drivers and checkers. */

export interface QueueSpec {
  kind: "queue";
  name: string;
  /** Peek-lock duration in ms. */
  lockDurationMs?: number;
  /** Deliveries allowed before the broker dead-letters with MaxDeliveryCountExceeded. */
  maxDeliveryCount?: number;
  /** Messages with the same key are held by one consumer at a time and delivered in order (Service Bus sessions). */
  orderedKeys?: boolean;
  /** Drop a re-send of the same message id within this window (ms). */
  duplicateDetectionMs?: number;
  /**
   * A subscription whose filter rejects the messages Gauntlet sends (a plan's user filter): no
   * copy is owed there, so it is neither expected nor drained as a copy of the topic's sends.
   */
  filtered?: boolean;
  /**
   * Broker-native settings a plan declared (Service Bus properties, RabbitMQ queue type and
   * arguments), applied verbatim by the drivers and environments that understand them.
   */
  native?: Record<string, unknown>;
  /**
   * The entity already exists (a plan's useExisting): drivers use its name verbatim, create and
   * delete nothing, and dead-letter where the broker is configured to (not to a private queue).
   */
  existing?: boolean;
}

export interface TopicSpec {
  kind: "topic";
  name: string;
  subscriptions: Omit<QueueSpec, "kind">[];
  /** Broker-native settings of the topic itself (see QueueSpec.native). */
  native?: Record<string, unknown>;
  /** See QueueSpec.existing. */
  existing?: boolean;
}

export type EntitySpec = QueueSpec | TopicSpec;

/** The addresses a message sent to `target` must reach: the queue itself, or each `topic/subscription`. */
export function copiesOf(target: string, entities: readonly EntitySpec[]): string[] {
  const entity = entities.find((e) => e.name === target);
  if (entity?.kind === "topic") return entity.subscriptions.filter((s) => s.filtered !== true).map((s) => `${entity.name}/${s.name}`);
  return [target];
}

/** The settings that apply at a receivable address (queue, or topic/subscription). */
export function settingsOf(address: string, entities: readonly EntitySpec[]): Omit<QueueSpec, "kind"> | undefined {
  for (const e of entities) {
    if (e.kind === "queue" && e.name === address) return e;
    if (e.kind === "topic") {
      const sub = e.subscriptions.find((s) => `${e.name}/${s.name}` === address);
      if (sub) return sub;
    }
  }
  return undefined;
}
