import { z } from "zod";

/**
 * The history op schema: the runtime validator for `gauntlet check` and the source of
 * schemas/history-op.schema.json (regenerate with `npm run schema`).
 */
const delivery = z
  .object({
    id: z.string(),
    key: z.string().optional(),
    entity: z.string(),
    dlq: z.boolean().optional(),
    brokerId: z.string().optional(),
    deliveryCount: z.number().int().positive().nullable().optional(),
    redelivered: z.boolean().optional(),
    lockToken: z.string().optional(),
    lockedUntil: z.number().optional(),
    partition: z.number().int().optional(),
    offset: z.string().optional(),
    deadLetterReason: z.string().optional(),
    deadLetterDescription: z.string().optional(),
    deferred: z.boolean().optional(),
  })
  .describe("What the broker said about one delivery; times on the history clock (ns)");

const sentMessage = z.object({ id: z.string(), key: z.string().optional(), size: z.number().int().nonnegative().optional() });

export const opSchema = z
  .object({
    index: z.number().int().nonnegative().describe("Position in the run, from 0, strictly increasing"),
    time: z.number().nonnegative().describe("Monotonic nanoseconds since the run started"),
    process: z.string().min(1).describe("Logical client; at most one outstanding op each"),
    type: z.enum(["invoke", "ok", "fail", "info"]),
    f: z.string().min(1).describe("setup | send | receive | settle | renew | drain | crash | fault | ..."),
    value: z.unknown().optional(),
    error: z.string().optional(),
    run: z.string().optional().describe("Run id when one file holds several runs"),
  })
  .describe("One line of history.jsonl");

/** Value shapes per f, checked where the checkers rely on them. */
export const valueSchemas = {
  send: z.object({ target: z.string(), messages: z.array(sentMessage), retry: z.boolean().optional() }),
  receive: z.object({
    source: z.string(),
    mode: z.enum(["peek-lock", "receive-and-delete"]).optional(),
    deliveries: z.array(delivery).optional(),
    dlq: z.boolean().optional(),
  }),
  settle: z.object({
    outcome: z.enum(["complete", "abandon", "dead-letter", "defer"]),
    id: z.string(),
    entity: z.string(),
    lockToken: z.string().optional(),
    reason: z.string().optional(),
    description: z.string().optional(),
  }),
  renew: z.object({ id: z.string(), entity: z.string(), lockToken: z.string().optional(), lockedUntil: z.number().optional() }),
  fault: z.object({ name: z.string(), phase: z.enum(["start", "stop"]), target: z.string().optional() }),
} as const;
valueSchemas satisfies Record<string, z.ZodType>;
export const drainValueSchema = valueSchemas.receive;

const queueSettings = {
  name: z.string().min(1),
  lockDurationMs: z.number().positive().optional(),
  maxDeliveryCount: z.number().int().positive().optional(),
  orderedKeys: z.boolean().optional(),
  duplicateDetectionMs: z.number().nonnegative().optional(),
};

export const entitySchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("queue"), ...queueSettings }),
  z.object({ kind: z.literal("topic"), name: z.string().min(1), subscriptions: z.array(z.object(queueSettings)).min(1) }),
]);

/** value of the `setup` op that opens a run. */
export const setupValueSchema = z.object({
  broker: z.string(),
  suite: z.string().optional(),
  seed: z.number().int().optional(),
  entities: z.array(entitySchema),
  locksReleasedOnCrash: z.boolean().optional(),
  clockToleranceMs: z.number().nonnegative().optional(),
  claims: z.object({ exactlyOnce: z.boolean().optional(), orderedPerKey: z.boolean().optional() }).optional(),
  checkers: z.array(z.string()).optional(),
});
