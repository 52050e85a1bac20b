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
}

export interface TopicSpec {
  kind: "topic";
  name: string;
  subscriptions: Omit<QueueSpec, "kind">[];
}

export type EntitySpec = QueueSpec | TopicSpec;

/** The addresses a message sent to `target` must reach: the queue itself, or each `topic/subscription`. */
export function copiesOf(target: string, entities: readonly EntitySpec[]): string[] {
  const entity = entities.find((e) => e.name === target);
  if (entity?.kind === "topic") return entity.subscriptions.map((s) => `${entity.name}/${s.name}`);
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
