/**
 * The plan file: the user's own entities with their native settings, the claims they rely on
 * (explicit, or derived from the settings), and the workload. Validated with zod (validate.ts);
 * schemas/plan.schema.json is generated from it (`npm run schema`). See docs/plans.md.
 */
import { z } from "zod";
import { kafkaConsumer, kafkaProducer, kafkaTopic } from "./kafka-schema.js";

/** ISO 8601 duration as Service Bus writes it (PT30S, PT1M, P14D). */
export const isoDuration = z.string().regex(/^P(?:\d+D)?(?:T(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)?$/, "an ISO 8601 duration such as PT30S");

const name = z.string().min(1);

const sbReceivable = {
  lockDuration: isoDuration.optional().describe("peek-lock duration, e.g. PT30S"),
  maxDeliveryCount: z.number().int().min(1).optional().describe("deliveries before MaxDeliveryCountExceeded dead-lettering (Service Bus default 10)"),
  requiresSession: z.boolean().optional(),
  defaultMessageTimeToLive: isoDuration.optional(),
  deadLetteringOnMessageExpiration: z.boolean().optional(),
};
const sbDuplicates = {
  requiresDuplicateDetection: z.boolean().optional(),
  duplicateDetectionHistoryTimeWindow: isoDuration.optional(),
};
const correlation = z.strictObject({
  correlationId: z.string().optional(),
  messageId: z.string().optional(),
  to: z.string().optional(),
  replyTo: z.string().optional(),
  subject: z.string().optional().describe("Label in Config.json"),
  sessionId: z.string().optional(),
  replyToSessionId: z.string().optional(),
  contentType: z.string().optional(),
  properties: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});
const rule = z.strictObject({ name, correlation: correlation.optional(), sql: z.string().optional() });

const sbQueue = z.strictObject({ kind: z.literal("queue"), name, settings: z.strictObject({ ...sbReceivable, ...sbDuplicates }).default({}) });
const sbTopic = z.strictObject({
  kind: z.literal("topic"),
  name,
  settings: z.strictObject({ ...sbDuplicates, defaultMessageTimeToLive: isoDuration.optional() }).default({}),
  subscriptions: z.array(z.strictObject({ name, settings: z.strictObject(sbReceivable).default({}), rules: z.array(rule).optional() })).min(1),
});

const rmqArguments = z.strictObject({
  "x-delivery-limit": z.number().int().min(0).optional().describe("quorum queues: dead-letter after this many redeliveries (limit + 1 deliveries)"),
  "x-dead-letter-exchange": z.string().optional(),
  "x-dead-letter-routing-key": z.string().optional(),
  "x-single-active-consumer": z.boolean().optional(),
  "x-max-length": z.number().int().min(0).optional(),
  "x-overflow": z.enum(["drop-head", "reject-publish", "reject-publish-dlx"]).optional(),
  "x-message-ttl": z.number().int().min(0).optional(),
});
const rmqQueueSettings = z.strictObject({
  type: z.enum(["quorum", "classic"]).default("classic").describe("x-queue-type"),
  durable: z.boolean().optional(),
  arguments: rmqArguments.default({}),
});
const rmqQueue = z.strictObject({ kind: z.literal("queue"), name, settings: rmqQueueSettings.default({ type: "classic", arguments: {} }) });
const rmqExchange = z.strictObject({
  kind: z.literal("topic").describe("a fanout exchange; each subscription is a queue bound to it"),
  name,
  settings: z.strictObject({ type: z.literal("fanout").default("fanout"), durable: z.boolean().optional() }).default({ type: "fanout" }),
  subscriptions: z.array(z.strictObject({ name, settings: rmqQueueSettings.default({ type: "classic", arguments: {} }) })).min(1),
});

const address = z.string().min(1).describe("a queue, a topic, or topic/subscription");
export const claimSchema = z.discriminatedUnion("claim", [
  z.strictObject({ claim: z.literal("no-loss"), entity: address }).describe("every acknowledged send is delivered at least once"),
  z.strictObject({ claim: z.literal("dead-letter-after"), entity: address, deliveries: z.number().int().min(1) }).describe("a message delivered N times without being completed is dead-lettered, with the reason"),
  z.strictObject({ claim: z.literal("order-per-key"), entity: address }).describe("messages with the same key are first delivered in send order"),
  z.strictObject({ claim: z.literal("no-duplicates"), entity: address }).describe("producer retries are not stored twice; nothing is completed twice"),
]);

const workload = z.strictObject({
  runs: z.number().int().min(1).max(10_000).optional(),
  seed: z.number().int().min(-(2 ** 31)).max(2 ** 31 - 1).optional(),
  keys: z.number().int().min(1).max(100).optional().describe("size of the key pool (partition keys / session ids)"),
  messages: z.number().int().min(1).max(200).optional().describe("most sends per producer"),
  consumers: z.number().int().min(1).max(16).optional().describe("most concurrent consumers per address"),
  faults: z.array(z.string().min(1)).min(1).optional().describe("fault names generated with the workload, as --faults (docs/faults.md); --faults overrides"),
});
const notHonoured = z.strictObject({ path: z.string(), setting: z.string(), reason: z.string() });

const common = {
  $schema: z.string().optional(),
  gauntlet: z.literal("plan"),
  version: z.literal(1),
  name: z.string().optional(),
  broker: z.string().optional().describe("default broker URL; --broker overrides it"),
  claims: z.array(claimSchema).optional().describe("absent: derived from the settings and printed"),
  workload: workload.optional(),
  notHonoured: z.array(notHonoured).optional().describe("settings an importer could not carry over, named (never dropped silently)"),
  useExisting: z.boolean().optional().describe("test entities that already exist (needs --use-existing too): nothing is created or deleted, and each must be empty"),
};

export const planSchema = z.discriminatedUnion("family", [
  z.strictObject({ ...common, family: z.literal("servicebus"), entities: z.array(z.discriminatedUnion("kind", [sbQueue, sbTopic])).min(1) }),
  z.strictObject({ ...common, family: z.literal("rabbitmq"), entities: z.array(z.discriminatedUnion("kind", [rmqQueue, rmqExchange])).min(1) }),
  z.strictObject({ ...common, family: z.literal("kafka"), entities: z.array(kafkaTopic).min(1), producer: kafkaProducer.optional(), consumer: kafkaConsumer.optional() }),
]);

/** A validated plan (defaults filled in). */
export type Plan = z.infer<typeof planSchema>;
/** A plan as written (before defaults). */
export type PlanInput = z.input<typeof planSchema>;
export type Claim = z.infer<typeof claimSchema>;
export type ServiceBusPlan = Extract<Plan, { family: "servicebus" }>;
export type RabbitMqPlan = Extract<Plan, { family: "rabbitmq" }>;
export type KafkaPlan = Extract<Plan, { family: "kafka" }>;
export type RabbitMqQueueSettings = z.infer<typeof rmqQueueSettings>;
