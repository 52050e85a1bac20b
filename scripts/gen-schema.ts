import { writeFileSync } from "node:fs";
import { historySchemaDocument } from "../src/history/json-schema.js";

/** Regenerates schemas/history-op.schema.json from the zod schema (npm run schema). */
const target = new URL("../../schemas/history-op.schema.json", import.meta.url);
writeFileSync(target, `${JSON.stringify(historySchemaDocument(), null, 2)}\n`);
process.stdout.write(`wrote ${target.pathname}\n`);
