import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { gauntlet, tempDir } from "./cli-helpers.js";

const dir = tempDir();

function expectUsageError(args: string[], message: RegExp) {
  const r = gauntlet(args);
  expect(r.code, r.stderr).toBe(3);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack traces for bad input
}

describe("bad input exits 3 with a message that names the fix", () => {
  it("unknown suite", () => expectUsageError(["run", "at-most-once", "--out", dir], /unknown suite "at-most-once"[\s\S]*at-least-once/));
  it("unknown broker scheme", () => expectUsageError(["run", "--broker", "kafak://x", "--out", dir], /unknown scheme "kafak"[\s\S]*memory, servicebus-emulator, amqp, kafka, servicebus/));
  it("unknown defect", () => expectUsageError(["run", "--broker", "memory://?defects=lose-everything", "--out", dir], /unknown defect "lose-everything"[\s\S]*lose-acked/));
  it("unknown option", () => expectUsageError(["run", "--rnus", "5"], /unknown option '--rnus'/));
  it("non-numeric --runs", () => expectUsageError(["run", "--runs", "many", "--out", dir], /--runs: "many" is not a whole number/));
  it("missing history file", () => expectUsageError(["check", join(dir, "nope.jsonl")], /no such file/));
  it("malformed history line, naming the line number", () => {
    const file = join(dir, "bad.jsonl");
    writeFileSync(file, '{"index":0,"time":0,"process":"p1","type":"invoke","f":"send","value":{"target":"q","messages":[{"id":"m1"}]}}\n{"index":1,"time":1,"process":"p1","type":"maybe","f":"send"}\n');
    expectUsageError(["check", file], /bad\.jsonl:2: field "type"/);
  });
  it.each([
    ["swapped indexes", [0, 2, 1], ["invoke", "ok", "invoke"], ["p1", "p1", "p2"], /swapped\.jsonl:3: field "index".*rule: index-increasing/],
    ["an unpaired completion", [0, 1, 2], ["invoke", "ok", "ok"], ["p1", "p1", "p2"], /unpaired\.jsonl:3: field "type".*rule: completion-paired/],
    ["two invocations outstanding on one process", [0, 1, 2], ["invoke", "invoke", "ok"], ["p1", "p1", "p1"], /outstanding\.jsonl:2: field "process".*rule: one-outstanding/],
  ])("a history with %s, naming the line and the rule", (_name, indexes, types, processes, pattern) => {
    const name = String(pattern).match(/(\w+)\\\.jsonl/)![1]!;
    const file = join(dir, `${name}.jsonl`);
    const lines = indexes.map((index, i) => JSON.stringify({ index, time: i, process: processes[i], type: types[i], f: "send", value: { target: "q", messages: [{ id: `m${i}` }] } }));
    writeFileSync(file, `${lines.join("\n")}\n`);
    expectUsageError(["check", file], pattern);
  });
  it("a send without messages, naming the line and the field", () => {
    const file = join(dir, "no-messages.jsonl");
    writeFileSync(file, '{"index":0,"time":0,"process":"p1","type":"invoke","f":"send","value":{"target":"q"}}\n');
    expectUsageError(["check", file], /no-messages\.jsonl:1: field "value\.messages".*rule: value-shape/);
  });
  it("a repro file that is not one", () => {
    const file = join(dir, "not-repro.json");
    writeFileSync(file, '{"hello": 1}');
    expectUsageError(["replay", file], /not a Gauntlet repro file/);
  });
  it("a repro file with a broken scenario names the field", () => {
    const file = join(dir, "broken-repro.json");
    writeFileSync(file, JSON.stringify({ gauntlet: "repro", version: 1, suite: "at-least-once", broker: "memory://", seed: 1, scenario: { version: 1 } }));
    expectUsageError(["replay", file], /scenario field "suite"/);
  });
});

describe("gauntlet list", () => {
  it("lists suites, checkers, schemes and defects as JSON", () => {
    const r = gauntlet(["list", "--json"]);
    expect(r.code).toBe(0);
    const data = JSON.parse(r.stdout);
    expect(data.suites.map((s: { name: string }) => s.name)).toEqual(["at-least-once", "ordering-per-key", "lock-expiry", "dead-letter", "duplicates", "receive-and-delete", "idempotent-producer", "failover", "claim-check"]);
    expect(data.defects).toHaveLength(6);
  });
});
