import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { historySchemaDocument } from "./json-schema.js";

describe("schemas/history-op.schema.json", () => {
  it("matches the zod schema the reader validates with (run npm run schema after changing it)", () => {
    const committed = JSON.parse(readFileSync(new URL("../../schemas/history-op.schema.json", import.meta.url), "utf8"));
    expect(committed).toEqual(historySchemaDocument());
  });

  it("describes every field of an op and the value shape of each f", () => {
    const doc = historySchemaDocument() as { properties: Record<string, unknown>; required: string[]; $defs: Record<string, unknown> };
    expect(Object.keys(doc.properties)).toEqual(expect.arrayContaining(["index", "time", "process", "type", "f", "value", "error", "run"]));
    expect(doc.required).toEqual(expect.arrayContaining(["index", "time", "process", "type", "f"]));
    expect(Object.keys(doc.$defs)).toEqual(expect.arrayContaining(["setup", "send", "receive", "settle", "renew", "fault"]));
  });
});
