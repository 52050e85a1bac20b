import { z } from "zod";
import type { Scenario } from "../core/scenario.js";
import { UsageError } from "../core/errors.js";
import { copiesOf } from "../core/entities.js";
import { FAULT_NAMES, PROTOCOL_FAULTS, protocolStepProblem } from "../core/faults.js";
import { entitySchema } from "../history/schema.js";

/** Longest duration a hand-edited scenario may name: 10 minutes (a generated one stays far below). */
export const MAX_SCENARIO_MS = 600_000;
const ms = z.number().nonnegative().max(MAX_SCENARIO_MS);
const action = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("complete"), handleMs: ms }),
  z.object({ kind: z.literal("abandon"), handleMs: ms }),
  z.object({ kind: z.literal("dead-letter"), handleMs: ms, reason: z.string() }),
  z.object({ kind: z.literal("defer"), handleMs: ms }),
  z.object({ kind: z.literal("crash"), handleMs: ms, restartMs: ms }),
  z.object({ kind: z.literal("slow"), handleMs: ms }),
  z.object({ kind: z.literal("renew"), handleMs: ms, renewEveryMs: z.number().min(1).max(MAX_SCENARIO_MS) }),
]);

const faultStep = z.object({
  name: z.enum(FAULT_NAMES),
  atMs: ms,
  durationMs: z.number().positive().max(MAX_SCENARIO_MS),
  params: z.record(z.string(), z.number()).optional(),
  stream: z.enum(["upstream", "downstream"]).optional(),
  scope: z.enum(["all", "producers", "consumers"]).optional(),
});

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
      batch: z.number().int().positive().max(1_000),
      actions: z.array(action),
      startDelayMs: ms,
    }),
  ),
  durationMs: z.number().positive().max(MAX_SCENARIO_MS),
  settingsAsDeclared: z.boolean().optional(),
  faults: z.array(faultStep).optional(),
  claimCheck: z
    .object({
      thresholdBytes: z.number().int().positive(),
      cleanupWindowMs: ms,
      producerCrashes: z.array(z.string().min(1)),
      deleteOn: z.enum(["copies-settled", "first-read"]),
      sweep: z.boolean().optional(),
      resendAfterDelete: z.array(z.string().min(1)).optional(),
      storeFaults: z.array(faultStep).optional(),
    })
    .optional(),
});

/** Validate a parsed scenario; errors name the field. */
export function validateScenario(raw: unknown, source: string): Scenario {
  const parsed = scenarioSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`${source}: scenario field "${issue?.path.join(".") || "(root)"}": ${issue?.message}`, "see docs/repro-files.md for the format");
  }
  const scenario = parsed.data as Scenario;
  const problem = scenarioProblem(scenario);
  if (problem) throw new UsageError(`${source}: scenario field "${problem.path}": ${problem.message}`, problem.fix);
  return scenario;
}

/**
 * What the shape cannot say: every message id sent once (a resend repeats its own step's ids),
 * every producer target an entity, every consumer source a queue or topic/subscription of the
 * scenario, and at most 100,000 messages.
 */
function scenarioProblem(s: Scenario): { path: string; message: string; fix: string } | undefined {
  const targets = new Set(s.entities.map((e) => e.name));
  const sources = new Set(s.entities.flatMap((e) => copiesOf(e.name, s.entities)));
  const seen = new Map<string, string>();
  let count = 0;
  for (const [p, producer] of s.producers.entries()) {
    if (!targets.has(producer.target)) return { path: `producers.${p}.target`, message: `"${producer.target}" is not an entity of the scenario`, fix: `use one of ${[...targets].join(", ")}` };
    for (const [i, step] of producer.sends.entries()) {
      for (const [m, message] of step.messages.entries()) {
        const here = `producers.${p}.sends.${i}.messages.${m}.id`;
        const first = seen.get(message.id);
        if (first) return { path: here, message: `message id "${message.id}" is sent twice (first at ${first})`, fix: "give every message its own id; to model a retry set \"resend\": true on the step" };
        seen.set(message.id, here);
        if (++count > 100_000) return { path: here, message: "more than 100,000 messages", fix: "a repro is a small scenario: cut it down" };
      }
    }
  }
  for (const [c, consumer] of s.consumers.entries()) {
    if (!sources.has(consumer.source)) return { path: `consumers.${c}.source`, message: `"${consumer.source}" is not a queue or topic/subscription of the scenario`, fix: `use one of ${[...sources].join(", ")}` };
  }
  for (const [f, step] of (s.faults ?? []).entries()) {
    const problem = protocolStepProblem(step);
    if (problem) return { path: `faults.${f}.params`, message: problem, fix: `protocol faults: ${PROTOCOL_FAULTS.join(", ")} (docs/faults.md gives each one's parameters)` };
  }
  return undefined;
}
