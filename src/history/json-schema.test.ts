import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { historySchemaDocument, withRules } from "./json-schema.js";
import { rulesMarkdown } from "./rules.js";

describe("schemas/history-op.schema.json", () => {
  it("matches the zod schema the reader validates with (run npm run schema after changing it)", () => {
    const committed = JSON.parse(readFileSync(new URL("../../schemas/history-op.schema.json", import.meta.url), "utf8"));
    expect(committed).toEqual(historySchemaDocument());
  });

  it("keeps the rules list of docs/history-format.md equal to HISTORY_RULES (run npm run schema after changing them)", () => {
    const doc = readFileSync(new URL("../../docs/history-format.md", import.meta.url), "utf8");
    expect(doc).toEqual(withRules(doc, rulesMarkdown()));
  });

  it("describes every field of an op and the value shape of each f", () => {
    const doc = historySchemaDocument() as { properties: Record<string, unknown>; required: string[]; $defs: Record<string, unknown> };
    expect(Object.keys(doc.properties)).toEqual(expect.arrayContaining(["index", "time", "process", "type", "f", "value", "error", "run"]));
    expect(doc.required).toEqual(expect.arrayContaining(["index", "time", "process", "type", "f"]));
    expect(Object.keys(doc.$defs)).toEqual(expect.arrayContaining(["setup", "send", "receive", "drain", "settle", "renew", "crash", "fault", "rebalance"]));
  });
});
