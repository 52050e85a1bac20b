import { z } from "zod";
import { opSchema, setupValueSchema, valueSchemas } from "./schema.js";

/**
 * The JSON Schema of one history line, generated from the zod schemas so the published
 * contract and the validator cannot drift apart (a test compares it with the committed file).
 */
export function historySchemaDocument(): Record<string, unknown> {
  const op = z.toJSONSchema(opSchema, { target: "draft-2020-12", unrepresentable: "any" }) as Record<string, unknown>;
  const defs: Record<string, unknown> = { setup: z.toJSONSchema(setupValueSchema, { target: "draft-2020-12" }) };
  for (const [f, schema] of Object.entries(valueSchemas)) defs[f] = z.toJSONSchema(schema, { target: "draft-2020-12" });
  for (const d of Object.values(defs)) delete (d as Record<string, unknown>).$schema;
  return {
    ...op,
    $id: "https://gauntlet.dev/schemas/history-op.schema.json",
    title: "Gauntlet history op",
    description: "One line of history.jsonl. value's shape depends on f; see $defs and docs/history-format.md.",
    $defs: defs,
  };
}
