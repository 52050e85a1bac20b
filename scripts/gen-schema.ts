import { readFileSync, writeFileSync } from "node:fs";
import { historySchemaDocument, withRules } from "../src/history/json-schema.js";
import { rulesMarkdown } from "../src/history/rules.js";
import { planSchemaDocument } from "../src/plans/json-schema.js";

/** Regenerates schemas/history-op.schema.json and the rules list of docs/history-format.md from the zod schema (npm run schema). */
const target = new URL("../../schemas/history-op.schema.json", import.meta.url);
writeFileSync(target, `${JSON.stringify(historySchemaDocument(), null, 2)}\n`);
process.stdout.write(`wrote ${target.pathname}\n`);
const doc = new URL("../../docs/history-format.md", import.meta.url);
writeFileSync(doc, withRules(readFileSync(doc, "utf8"), rulesMarkdown()));
process.stdout.write(`wrote ${doc.pathname}\n`);
const plan = new URL("../../schemas/plan.schema.json", import.meta.url);
writeFileSync(plan, `${JSON.stringify(planSchemaDocument(), null, 2)}\n`);
process.stdout.write(`wrote ${plan.pathname}\n`);
