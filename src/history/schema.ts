import { z } from "zod";

/**
 * The history op schema: the runtime validator for `gauntlet check` and the source of
 * schemas/history-op.schema.json (regenerate with `npm run schema`).
 */
const offsetString = z.string().regex(/^\d+$/, "an offset is a decimal string of digits");

const delivery = z
  .looseObject({
    id: z.string().describe("The message id as received (empty when a foreign message carried none)"),
    key: z.string().optional(),
    entity: z.string(),
    dlq: z.boolean().optional(),
    brokerId: z.string().optional(),
    deliveryCount: z.number().int().positive().nullable().optional(),
    redelivered: z.boolean().optional(),
    lockToken: z.string().optional(),
    lockedUntil: z.number().optional(),
    partition: z.number().int().nonnegative().optional(),
    offset: offsetString.optional(),
    deadLetterReason: z.string().optional(),
    deadLetterDescription: z.string().optional(),
    deferred: z.boolean().optional(),
  })
  .describe("What the broker said about one delivery; times on the history clock (ns)");

const sentMessage = z.looseObject({
  id: z.string().min(1),
  key: z.string().optional(),
  size: z.number().int().nonnegative().optional(),
  partition: z.number().int().nonnegative().optional().describe("Kafka: partition the acknowledged send was stored in (ok completions)"),
  offset: offsetString.optional().describe("Kafka: offset the acknowledged send was stored at (ok completions)"),
  claim: z
    .looseObject({ ref: z.string().min(1).optional(), sha256: z.string().min(1), bytes: z.number().int().nonnegative() })
    .optional()
    .describe("Claim-check: the payload this message stands for; a reference (ref) when it went to the store, else inline"),
});

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
    node: z.string().min(1).optional().describe("On completions: the broker node that served the op, where the client tells (RabbitMQ: the cluster node the connection reached; Kafka: the partition leader's broker id)"),
  })
  .describe("One line of history.jsonl");

const receiveValue = z.looseObject({
  source: z.string().min(1),
  mode: z.enum(["peek-lock", "receive-and-delete"]).optional(),
  deliveries: z.array(delivery).optional(),
  dlq: z.boolean().optional(),
});

/**
 * Value shapes per f, applied to every op of that f that carries a value (and required on
 * invocations of these f). Unknown fields are allowed, so a newer writer's additions still read.
 */
export const valueSchemas = {
  send: z.looseObject({ target: z.string().min(1), messages: z.array(sentMessage).min(1, "a send carries at least one message"), retry: z.boolean().optional() }),
  receive: receiveValue,
  drain: receiveValue,
  settle: z.looseObject({
    outcome: z.enum(["complete", "abandon", "dead-letter", "defer"]),
    id: z.string(),
    entity: z.string().min(1),
    lockToken: z.string().optional(),
    reason: z.string().optional(),
    description: z.string().optional(),
  }),
  renew: z.looseObject({ id: z.string(), entity: z.string().min(1), lockToken: z.string().optional(), lockedUntil: z.number().optional() }),
  crash: z.looseObject({ reason: z.string().optional(), unprocessed: z.array(z.string()).optional() }),
  fault: z.looseObject({ name: z.string().min(1), phase: z.enum(["start", "stop"]), target: z.string().optional(), detail: z.record(z.string(), z.unknown()).optional() }),
  upload: z.looseObject({ id: z.string().min(1), ref: z.string().min(1), sha256: z.string().min(1), bytes: z.number().int().nonnegative() }).describe("Claim-check: a producer stored message id's payload as ref"),
  hydrate: z
    .looseObject({ id: z.string().min(1), entity: z.string().min(1), ref: z.string().min(1), found: z.boolean().optional(), sha256: z.string().optional(), bytes: z.number().int().nonnegative().optional() })
    .describe("Claim-check: a consumer read one delivery's reference back from the store (completions: found, and the bytes' sha256 and size)"),
  delete: z.looseObject({ ref: z.string().min(1), id: z.string().optional(), reason: z.string() }).describe("Claim-check: a payload removed from the store (copies-settled, first-read, sweep)"),
  store: z.looseObject({ cleanupWindowMs: z.number().nonnegative(), payloads: z.array(z.string()).optional() }).describe("Claim-check: the payloads left in the store once the cleanup window passed (completions)"),
  rebalance: z.looseObject({
    entity: z.string(),
    group: z.string().optional(),
    member: z.string().nullable().optional(),
    phase: z.enum(["revoke", "assign"]),
    partitions: z.array(z.number().int().nonnegative()).optional().describe("On assign: the member's partitions"),
  }),
} as const;
valueSchemas satisfies Record<string, z.ZodType>;
export const drainValueSchema = valueSchemas.drain;

const queueSettings = {
  name: z.string().min(1),
  lockDurationMs: z.number().positive().optional(),
  maxDeliveryCount: z.number().int().positive().optional(),
  orderedKeys: z.boolean().optional(),
  duplicateDetectionMs: z.number().nonnegative().optional(),
  filtered: z.boolean().optional(),
  native: z.record(z.string(), z.unknown()).optional(),
};

export const entitySchema = z.discriminatedUnion("kind", [
  z.looseObject({ kind: z.literal("queue"), ...queueSettings }),
  z.looseObject({ kind: z.literal("topic"), name: z.string().min(1), subscriptions: z.array(z.looseObject(queueSettings)).min(1) }),
]);

/** value of the `setup` op that opens a run. */
export const setupValueSchema = z.looseObject({
  broker: z.string(),
  suite: z.string().optional(),
  seed: z.number().int().optional(),
  entities: z.array(entitySchema),
  locksReleasedOnCrash: z.boolean().optional(),
  sessionLocksReleasedOnCrash: z.boolean().optional().describe("A crashed client's locks on orderedKeys (session) entities return at once: the session is freed with its link"),
  atomicBatches: z.boolean().optional().describe("The broker stores a send's messages all or none"),
  clockToleranceMs: z.number().nonnegative().optional(),
  claims: z
    .object({
      exactlyOnce: z.boolean().optional(),
      orderedPerKey: z.boolean().optional(),
      deadLetterAfter: z.record(z.string(), z.number().int().positive()).optional().describe("A plan's claim: address → deliveries after which messages are dead-lettered"),
    })
    .optional(),
  described: z.record(z.string(), z.record(z.string(), z.unknown())).optional().describe("Settings read back from the broker after creating each address (a plan run)"),
  checkers: z.array(z.string()).optional(),
  claimCheck: z
    .object({ thresholdBytes: z.number().int().positive(), cleanupWindowMs: z.number().nonnegative(), store: z.string() })
    .optional()
    .describe("Claim-check runs: payloads over thresholdBytes go to the store"),
});
