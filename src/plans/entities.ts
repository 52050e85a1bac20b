import type { EntitySpec, QueueSpec } from "../core/entities.js";
import { kafkaEntities } from "./kafka.js";
import type { Plan, RabbitMqPlan, RabbitMqQueueSettings, ServiceBusPlan } from "./schema.js";

/** ISO 8601 duration in ms (Infinity past ~10,000 days, .NET's TimeSpan.MaxValue). */
export function isoMs(s: string): number {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(s)!;
  const ms = ((Number(m[1] ?? 0) * 24 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 60_000 + Number(m[4] ?? 0) * 1000;
  return ms >= 10_000 * 24 * 3_600_000 ? Number.POSITIVE_INFINITY : Math.round(ms);
}

/** Service Bus's default duplicate detection window (10 minutes) when detection is on without one. */
const SB_DUPLICATE_WINDOW_MS = 600_000;

/** Every address of a plan: what can be sent to, and what can be received from. */
export function addressesOf(plan: Plan): { targets: string[]; receivable: string[] } {
  const targets = plan.entities.map((e) => e.name);
  const receivable = plan.family === "kafka" ? targets : plan.entities.flatMap((e) => (e.kind === "queue" ? [e.name] : e.subscriptions.map((s) => `${e.name}/${s.name}`)));
  return { targets, receivable };
}

type SbReceivable = Extract<ServiceBusPlan["entities"][number], { kind: "queue" }>["settings"];
type SbRule = NonNullable<Extract<ServiceBusPlan["entities"][number], { kind: "topic" }>["subscriptions"][number]["rules"]>[number];

/** Does any rule let through the messages Gauntlet sends (no subject, no correlation fields, only its own key property)? */
export function acceptsGauntletMessages(rules: readonly SbRule[] | undefined): boolean {
  if (!rules?.length) return true;
  return rules.some((r) => (r.sql !== undefined ? ["1=1", "true"].includes(r.sql.replace(/\s+/g, "").toLowerCase()) : !r.correlation || Object.values(r.correlation).every((v) => v === undefined)));
}

function sbSettings(s: Partial<SbReceivable>): Omit<QueueSpec, "kind" | "name"> {
  const ttl = s.defaultMessageTimeToLive === undefined ? undefined : isoMs(s.defaultMessageTimeToLive);
  const native: Record<string, unknown> = {};
  if (s.requiresSession !== undefined) native.requiresSession = s.requiresSession;
  if (ttl !== undefined && Number.isFinite(ttl)) native.defaultMessageTimeToLiveMs = ttl;
  if (s.deadLetteringOnMessageExpiration !== undefined) native.deadLetteringOnMessageExpiration = s.deadLetteringOnMessageExpiration;
  return {
    ...(s.lockDuration !== undefined ? { lockDurationMs: isoMs(s.lockDuration) } : {}),
    ...(s.maxDeliveryCount !== undefined ? { maxDeliveryCount: s.maxDeliveryCount } : {}),
    ...(s.requiresSession ? { orderedKeys: true } : {}),
    ...(s.requiresDuplicateDetection ? { duplicateDetectionMs: s.duplicateDetectionHistoryTimeWindow ? isoMs(s.duplicateDetectionHistoryTimeWindow) : SB_DUPLICATE_WINDOW_MS } : {}),
    ...(Object.keys(native).length ? { native } : {}),
  };
}

function serviceBusEntities(plan: ServiceBusPlan): EntitySpec[] {
  return plan.entities.map((e): EntitySpec => {
    if (e.kind === "queue") return { kind: "queue", name: e.name, ...sbSettings(e.settings) };
    const topic = sbSettings(e.settings);
    const native = { ...(topic.native ?? {}), ...(topic.duplicateDetectionMs ? { duplicateDetectionMs: topic.duplicateDetectionMs } : {}) };
    return {
      kind: "topic",
      name: e.name,
      ...(Object.keys(native).length ? { native } : {}),
      subscriptions: e.subscriptions.map((s) => {
        const settings = sbSettings(s.settings);
        const rules = s.rules ?? [];
        return { name: s.name, ...settings, ...(rules.length ? { native: { ...(settings.native ?? {}), rules } } : {}), ...(acceptsGauntletMessages(rules) ? {} : { filtered: true }) };
      }),
    };
  });
}

function rabbitSettings(s: RabbitMqQueueSettings): Omit<QueueSpec, "kind" | "name"> {
  const limit = s.arguments["x-delivery-limit"];
  return {
    // RabbitMQ dead-letters a quorum queue's message on delivery limit + 1; classic queues have no limit.
    ...(s.type === "quorum" && limit !== undefined ? { maxDeliveryCount: limit + 1 } : {}),
    ...(s.arguments["x-single-active-consumer"] ? { orderedKeys: true } : {}),
    native: { type: s.type, ...(s.durable !== undefined ? { durable: s.durable } : {}), arguments: s.arguments },
  };
}

function rabbitEntities(plan: RabbitMqPlan): EntitySpec[] {
  return plan.entities.map((e): EntitySpec =>
    e.kind === "queue"
      ? { kind: "queue", name: e.name, ...rabbitSettings(e.settings) }
      : { kind: "topic", name: e.name, native: { type: e.settings.type }, subscriptions: e.subscriptions.map((s) => ({ name: s.name, ...rabbitSettings(s.settings) })) },
  );
}

/** The plan's entities in Gauntlet's words (what checkers judge by), each with its native settings (what the broker is given). */
export function entitySpecs(plan: Plan): EntitySpec[] {
  const specs = plan.family === "servicebus" ? serviceBusEntities(plan) : plan.family === "kafka" ? kafkaEntities(plan) : rabbitEntities(plan);
  return plan.useExisting ? specs.map(asExisting) : specs;
}

/** An entity (and its subscriptions) marked as already existing: named verbatim, never created or deleted. */
function asExisting(e: EntitySpec): EntitySpec {
  return e.kind === "queue" ? { ...e, existing: true } : { ...e, existing: true, subscriptions: e.subscriptions.map((s) => ({ ...s, existing: true })) };
}
