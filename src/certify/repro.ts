import { writeFile } from "node:fs/promises";
import { z } from "zod";
import { UsageError } from "../core/errors.js";
import type { DeliveryStep } from "./delivery-plan.js";
import { deliveryPlanViolations } from "./delivery-plan.js";
import { nonJsonPath } from "./json.js";
import { type Step, scheduleViolations } from "./schedule.js";
import { type CertifyMessage, type Json, SEMANTICS, type Semantics } from "./types.js";

/** Where deliveries came from: the in-process scheduler or a broker URL. */
export const IN_PROCESS = "in-process";

/**
 * A certify repro file (`repro-certify.json`): the handler, the messages and the minimal schedule
 * (in-process) or fault plan (broker) that broke it. Small JSON a person can edit and replay.
 */
export interface CertifyRepro {
  gauntlet: "repro";
  version: 1;
  kind: "certify";
  /** Handler module, relative to the directory certify ran in (else to this file). */
  handler: string;
  /** sha256 of the handler file when the failure was found. */
  handlerSha256?: string;
  semantics: Semantics;
  /** "in-process", or the broker URL the deliveries came through. */
  broker: string;
  seed: number;
  path?: string;
  /** Mechanisms the schedule uses (duplicate, crash-before-ack, lock-expiry, ...), for the reader. */
  mechanisms: string[];
  messages: CertifyMessage[];
  schedule?: Step[];
  faults?: DeliveryStep[];
  /** The snapshots seen when it was found, for the reader (replay recomputes both). */
  expected?: Json;
  actual?: Json;
}

const id = z.string().min(1);
const ticks = z.number().int().min(0).max(1000);
const step = z.discriminatedUnion("op", [
  z.object({ op: z.literal("deliver"), id }),
  z.object({ op: z.literal("crash-before-ack"), id }),
  z.object({ op: z.literal("lock-expiry"), id, afterTicks: ticks }),
  z.object({ op: z.literal("parallel"), ids: z.tuple([id, id]), afterTicks: ticks }),
  z.object({ op: z.literal("restart") }),
  z.object({ op: z.literal("transient-failure"), id }),
]);
const fault = z.discriminatedUnion("op", [
  z.object({ op: z.literal("deliver") }),
  z.object({ op: z.literal("crash-before-ack") }),
  z.object({ op: z.literal("lock-expiry"), afterTicks: ticks }),
  z.object({ op: z.literal("parallel"), afterTicks: ticks }),
  z.object({ op: z.literal("duplicate"), id }),
  z.object({ op: z.literal("restart") }),
]);
const reproSchema = z.object({
  kind: z.literal("certify"),
  handler: z.string().min(1),
  handlerSha256: z.string().optional(),
  semantics: z.enum(SEMANTICS as [Semantics, ...Semantics[]]),
  broker: z.string().min(1),
  seed: z.number().int().optional(),
  path: z.string().optional(),
  mechanisms: z.array(z.string()).optional(),
  messages: z.array(z.object({ id, key: z.string().min(1), body: z.unknown() })).min(1),
  schedule: z.array(step).optional(),
  faults: z.array(fault).optional(),
  expected: z.unknown().optional(),
  actual: z.unknown().optional(),
});

/** Write a certify repro file. */
export async function writeCertifyRepro(path: string, repro: CertifyRepro): Promise<void> {
  await writeFile(path, `${JSON.stringify(repro, null, 2)}\n`);
}

/** Validate a parsed certify repro; errors (exit 3) name the field or the step that is not allowed. */
export function validateCertifyRepro(raw: unknown, source: string): CertifyRepro {
  const parsed = reproSchema.safeParse(raw);
  const fix = "see docs/certify.md for the repro format";
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`${source}: field "${issue?.path.join(".") || "(root)"}": ${issue?.message}`, fix);
  }
  const r = parsed.data;
  const messages = r.messages as CertifyMessage[];
  const dup = messages.find((m, i) => messages.findIndex((o) => o.id === m.id) !== i);
  if (dup) throw new UsageError(`${source}: message id "${dup.id}" appears twice`, fix);
  messages.forEach((m, i) => {
    const bad = nonJsonPath(m.body);
    if (bad || m.body === undefined) throw new UsageError(`${source}: messages[${i}].body is not plain JSON`, fix);
  });
  const inProcess = r.broker === IN_PROCESS;
  if (inProcess !== (r.schedule !== undefined) || (r.schedule === undefined) === (r.faults === undefined)) {
    throw new UsageError(`${source}: an in-process repro needs "schedule", a broker repro needs "faults" (exactly one of them)`, fix);
  }
  const problems = r.schedule ? scheduleViolations(messages, r.schedule as Step[], r.semantics) : deliveryPlanViolations(messages, r.faults as DeliveryStep[]);
  if (problems.length) throw new UsageError(`${source}: the schedule is not allowed under ${r.semantics}: ${problems[0]}`, fix);
  return { gauntlet: "repro", version: 1, ...r, seed: r.seed ?? 0, mechanisms: r.mechanisms ?? [], messages } as CertifyRepro;
}
