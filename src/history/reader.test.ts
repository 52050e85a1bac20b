import { describe, expect, it } from "vitest";
import { HistoryFormatError } from "../core/errors.js";
import { toJsonl } from "./jsonl.js";
import { parseHistory, splitRuns } from "./reader.js";

const op = (index: number, extra: Record<string, unknown> = {}) => ({ index, time: index * 10, process: "c1", type: index % 2 ? "ok" : "invoke", f: "send", ...extra });

describe("parseHistory", () => {
  it("round-trips what toJsonl writes, skipping blank lines", () => {
    const ops = [op(0, { value: { target: "q", messages: [{ id: "m1" }] } }), op(1)];
    const text = `${toJsonl(ops as never)}\n\n`;
    expect(parseHistory(text)).toEqual(ops);
  });

  it("names the line of invalid JSON", () => {
    const text = `${JSON.stringify(op(0))}\n{"index": 1, oops}\n`;
    expect(() => parseHistory(text, "h.jsonl")).toThrow(HistoryFormatError);
    expect(() => parseHistory(text, "h.jsonl")).toThrow(/^h\.jsonl:2: not valid JSON/);
  });

  it("names the line and field of an op that breaks the schema", () => {
    const text = `${JSON.stringify(op(0))}\n\n${JSON.stringify({ ...op(1), type: "done" })}\n`;
    expect(() => parseHistory(text, "h.jsonl")).toThrow(/^h\.jsonl:3: field "type"/);
  });

  it("requires index, time, process, type and f", () => {
    expect(() => parseHistory(`{"index":0,"time":0,"type":"invoke","f":"send"}`)).toThrow(/field "process"/);
  });
});

describe("splitRuns", () => {
  it("groups ops by run id in first-appearance order", () => {
    const ops = [op(0, { run: "b" }), op(0, { run: "a" }), op(1, { run: "b" })];
    const runs = splitRuns(ops as never);
    expect([...runs.keys()]).toEqual(["b", "a"]);
    expect(runs.get("b")).toHaveLength(2);
  });
});
