import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { HistoryFormatError } from "../core/errors.js";
import { toJsonl } from "./jsonl.js";
import { parseHistory, readHistory, splitRuns } from "./reader.js";

const op = (index: number, extra: Record<string, unknown> = {}) => ({ index, time: index * 10, process: "c1", type: index % 2 ? "ok" : "invoke", f: "send", value: { target: "q", messages: [{ id: `m${index}` }] }, ...extra });

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

describe("parseHistory enforces the format rules (exit 3 naming line, field and rule)", () => {
  const line = (o: Record<string, unknown>) => JSON.stringify(o);
  const send = (index: number, type: string, process = "p1", value: unknown = { target: "q", messages: [{ id: `m${index}` }] }) =>
    line({ index, time: index * 10, process, type, f: "send", value });
  const text = (...lines: string[]) => `${lines.join("\n")}\n`;

  it("accepts a well-formed history, including an invocation left outstanding at the end", () => {
    expect(parseHistory(text(send(0, "invoke"), send(1, "ok"), send(2, "invoke")))).toHaveLength(3);
  });

  it("refuses indexes that do not increase (two swapped indexes)", () => {
    expect(() => parseHistory(text(send(0, "invoke"), send(2, "ok"), send(1, "invoke", "p2")), "h.jsonl")).toThrow(
      /^h\.jsonl:3: field "index": index 1 does not follow the previous op's index 2 \(rule: index-increasing\)/,
    );
  });

  it("refuses time going backwards", () => {
    const back = line({ index: 1, time: 5, process: "p1", type: "ok", f: "send", value: { target: "q", messages: [{ id: "m0" }] } });
    expect(() => parseHistory(text(line({ index: 0, time: 10, process: "p1", type: "invoke", f: "send", value: { target: "q", messages: [{ id: "m0" }] } }), back))).toThrow(/:2: field "time".*rule: time-monotonic/);
  });

  it("refuses a completion with no invocation, and one of another f", () => {
    expect(() => parseHistory(text(send(0, "ok")), "h.jsonl")).toThrow(/^h\.jsonl:1: field "type": ok completion of send on process p1, which has no invocation outstanding \(rule: completion-paired\)/);
    const settle = line({ index: 1, time: 10, process: "p1", type: "ok", f: "settle", value: { outcome: "complete", id: "m0", entity: "q" } });
    expect(() => parseHistory(text(send(0, "invoke"), settle))).toThrow(/:2: field "f": .*answers an invocation of send \(index 0\) \(rule: completion-paired\)/);
  });

  it("refuses a second invocation while one is outstanding on the process", () => {
    expect(() => parseHistory(text(send(0, "invoke"), send(1, "invoke")))).toThrow(/:2: field "process": process p1 invokes send while its send \(index 0\) is outstanding \(rule: one-outstanding\)/);
  });

  it("keeps runs apart: each run has its own index sequence and processes", () => {
    const a = (o: string) => JSON.parse(o);
    const lines = [send(0, "invoke"), send(0, "invoke"), send(1, "ok"), send(1, "ok")].map((l, i) => line({ ...a(l), run: i % 2 ? "b" : "a" }));
    expect(parseHistory(text(...lines))).toHaveLength(4);
  });

  it("refuses a send without messages, or with none, naming the field", () => {
    expect(() => parseHistory(text(send(0, "invoke", "p1", { target: "q" })), "h.jsonl")).toThrow(/^h\.jsonl:1: field "value\.messages": send value: .*\(rule: value-shape\)/);
    expect(() => parseHistory(text(send(0, "invoke", "p1", { target: "q", messages: [] })))).toThrow(/field "value\.messages": send value: a send carries at least one message/);
    expect(() => parseHistory(text(line({ index: 0, time: 0, process: "p1", type: "invoke", f: "send" })))).toThrow(/field "value": a send invocation has no value \(rule: value-required\)/);
  });

  it("accepts what the drivers write: a Kafka revoke event has no partitions and may have no member", () => {
    const ev = (index: number, type: string, value: unknown) => line({ index, time: index, process: "broker", type, f: "rebalance", value });
    const revoke = { entity: "q", group: "g", member: null, phase: "revoke" };
    expect(parseHistory(text(ev(0, "invoke", revoke), ev(1, "ok", revoke)))).toHaveLength(2);
    expect(() => parseHistory(text(ev(0, "invoke", { ...revoke, phase: "moved" })))).toThrow(/field "value\.phase": rebalance value/);
  });

  it("refuses deliveryCount 0 and a non-numeric offset in a delivery", () => {
    const recv = (d: Record<string, unknown>) =>
      text(line({ index: 0, time: 0, process: "c1", type: "invoke", f: "receive", value: { source: "q" } }), line({ index: 1, time: 1, process: "c1", type: "ok", f: "receive", value: { source: "q", deliveries: [{ id: "m1", entity: "q", ...d }] } }));
    expect(() => parseHistory(recv({ deliveryCount: 0 }))).toThrow(/:2: field "value\.deliveries\.0\.deliveryCount": receive value: .*\(rule: value-shape\)/);
    expect(() => parseHistory(recv({ offset: "x1" }))).toThrow(/field "value\.deliveries\.0\.offset": receive value: an offset is a decimal string/);
    expect(parseHistory(recv({ deliveryCount: 1, partition: 0, offset: "17", extra: true }))[1]!.value).toMatchObject({ deliveries: [{ extra: true }] });
  });
});

describe("readHistory streams the file", () => {
  it("reads lines across 1 MiB chunk boundaries, multi-byte characters included", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gauntlet-reader-"));
    try {
      // ~3 MiB of ops whose ids carry a 3-byte character, so chunks end mid-line and mid-character.
      const ops = Array.from({ length: 12_000 }, (_, i) => op(i, { value: { target: "q", messages: [{ id: `m${i}-${"€".repeat(80)}` }] } }));
      writeFileSync(join(dir, "h.jsonl"), `${toJsonl(ops as never)}\r\n`);
      expect(await readHistory(join(dir, "h.jsonl"))).toEqual(ops);
      await expect(readHistory(join(dir, "missing.jsonl"))).rejects.toThrow(/no such file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
