/** The emulator's resolved entity model: every setting filled in, durations in ms. */
import type { Message } from "rhea";

export interface CorrelationFilter {
  correlationId?: string;
  messageId?: string;
  to?: string;
  replyTo?: string;
  /** Called Label in Config.json. */
  subject?: string;
  sessionId?: string;
  replyToSessionId?: string;
  contentType?: string;
  /** Application properties that must all be equal. */
  properties?: Record<string, string | number | boolean>;
}

export type RuleFilter =
  | { kind: "true" }
  | { kind: "false" }
  | { kind: "correlation"; filter: CorrelationFilter }
  /** A SQL filter, compiled once (sql-filter.ts). */
  | { kind: "sql"; expression: string; matches: (m: Message) => boolean };

export interface Rule {
  name: string;
  filter: RuleFilter;
}

/** Settings of a receivable entity (queue or subscription). */
export interface ReceivableSettings {
  lockDurationMs: number;
  maxDeliveryCount: number;
  requiresSession: boolean;
  /** Default time to live; Infinity = never expires. */
  defaultTtlMs: number;
  deadLetterOnExpiration: boolean;
}

/** Settings of a sendable entity (queue or topic). */
export interface SendableSettings {
  /** 0 = no duplicate detection. */
  duplicateDetectionMs: number;
  maxMessageSizeBytes: number;
}

export interface QueueModel {
  kind: "queue";
  name: string;
  settings: ReceivableSettings & SendableSettings;
}

export interface SubscriptionModel {
  name: string;
  settings: ReceivableSettings;
  /** A message reaches the subscription when any rule matches; none given = one TrueFilter. */
  rules: Rule[];
}

export interface TopicModel {
  kind: "topic";
  name: string;
  settings: SendableSettings & { defaultTtlMs: number };
  subscriptions: SubscriptionModel[];
}

export type EntityModel = QueueModel | TopicModel;

export const DEFAULTS = {
  lockDurationMs: 60_000,
  maxDeliveryCount: 10,
  maxMessageSizeBytes: 256 * 1024,
  defaultTtlMs: Number.POSITIVE_INFINITY,
  /** Longest lock the service allows. */
  maxLockDurationMs: 5 * 60_000,
} as const;
