import { z } from "zod";
import type { Scenario } from "../core/scenario.js";
import { UsageError } from "../core/errors.js";
import { FAULT_NAMES } from "../core/faults.js";
import { entitySchema } from "../history/schema.js";

const ms = z.number().nonnegative();
const action = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("complete"), handleMs: ms }),
  z.object({ kind: z.literal("abandon"), handleMs: ms }),
  z.object({ kind: z.literal("dead-letter"), handleMs: ms, reason: z.string() }),
  z.object({ kind: z.literal("defer"), handleMs: ms }),
  z.object({ kind: z.literal("crash"), handleMs: ms, restartMs: ms }),
  z.object({ kind: z.literal("slow"), handleMs: ms }),
  z.object({ kind: z.literal("renew"), handleMs: ms, renewEveryMs: z.number().positive() }),
]);

/** Validator for scenarios read from repro files (people edit them by hand). */
export const scenarioSchema = z.object({
  version: z.literal(1),
  suite: z.string().min(1),
  seed: z.number().int(),
  entities: z.array(entitySchema).min(1),
  producers: z.array(
    z.object({
      name: z.string().min(1),
      target: z.string().min(1),
      sends: z.array(
        z.object({
          delayMs: ms,
          messages: z.array(z.object({ id: z.string().min(1), key: z.string().optional(), size: z.number().int().nonnegative().optional() })).min(1),
          resend: z.boolean().optional(),
        }),
      ),
    }),
  ),
  consumers: z.array(
    z.object({
      name: z.string().min(1),
      source: z.string().min(1),
      mode: z.enum(["peek-lock", "receive-and-delete"]),
      batch: z.number().int().positive(),
      actions: z.array(action),
      startDelayMs: ms,
    }),
  ),
  durationMs: z.number().positive(),
  faults: z
    .array(
      z.object({
        name: z.enum(FAULT_NAMES),
        atMs: ms,
        durationMs: z.number().positive(),
        params: z.record(z.string(), z.number()).optional(),
        stream: z.enum(["upstream", "downstream"]).optional(),
        scope: z.enum(["all", "producers", "consumers"]).optional(),
      }),
    )
    .optional(),
});

/** Validate a parsed scenario; errors name the field. */
export function validateScenario(raw: unknown, source: string): Scenario {
  const parsed = scenarioSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`${source}: scenario field "${issue?.path.join(".") || "(root)"}": ${issue?.message}`, "see docs/repro-files.md for the format");
  }
  return parsed.data as Scenario;
}
