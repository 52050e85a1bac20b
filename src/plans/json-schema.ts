import { z } from "zod";
import { planSchema } from "./schema.js";

/** The JSON Schema of a plan file, generated from the zod schema (schemas/plan.schema.json; a test compares them). */
export function planSchemaDocument(): Record<string, unknown> {
  const doc = z.toJSONSchema(planSchema, { target: "draft-2020-12", io: "input" }) as Record<string, unknown>;
  return { ...doc, $id: "https://gauntlet.dev/schemas/plan.schema.json", title: "Gauntlet test plan", description: "The user's entities with their native settings, the claims to check, the workload (docs/plans.md)." };
}
