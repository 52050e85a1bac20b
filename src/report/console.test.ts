import { describe, expect, it } from "vitest";
import type { ComposedResult } from "../core/result.js";
import { formatCheckSummary, formatConsoleSummary } from "./console.js";
import { fixtureSummary } from "./fixture.test-helper.js";

const ANSI = /\u001b\[/;

describe("formatConsoleSummary", () => {
  const summary = fixtureSummary();

  it("tabulates suites with verdicts, runs, the checkers that judged them and the anomalies that failed them", () => {
    const out = formatConsoleSummary(summary, { color: false });
    const lines = out.split("\n");
    expect(lines[0]).toMatch(/^suite\s+verdict\s+runs\s+time\s+checkers\s+anomalies$/);
    // not-applicable checkers (dlq-missing here) are left out of the checkers column
    expect(lines.find((l) => l.startsWith("lock-expiry"))).toMatch(/^lock-expiry\s+INVALID\s+37\/50\s+7\.1 s\s+total-queue lock-overlap\s+lost=5 unexpected=1$/);
    expect(lines.find((l) => l.startsWith("at-least-once"))).toMatch(/^at-least-once\s+valid\s+50\/50\s+4\.2 s\s+total-queue delivery-count lock-overlap$/);
    expect(lines.find((l) => l.startsWith("sessions-order"))).toMatch(/n\/a\s+0\/50\s+12 ms\s+broker lacks sessions$/);
    expect(lines.find((l) => l.startsWith("dead-letter"))).toMatch(/unknown .*error: cannot connect to the broker: ECONNREFUSED 127\.0\.0\.1:5672$/);
    // columns line up: every verdict starts at the same offset
    const offsets = lines.slice(1, 5).map((l) => l.search(/valid|INVALID|n\/a|unknown/));
    expect(new Set(offsets).size).toBe(1);
    expect(out).not.toContain("duplicated"); // zero counts and valid checkers stay out
  });

  it("prints the seed, the replay command, and where the report is", () => {
    const out = formatConsoleSummary(summary, { color: false });
    expect(out).toContain("verdict: INVALID (1 valid, 1 INVALID, 1 unknown, 1 n/a)");
    expect(out).toMatch(/^seed: 42 /m);
    expect(out).toContain("replay lock-expiry: gauntlet replay reports/2025-01-02T03-04-05-abc123/repro-lock-expiry.json");
    expect(out).toContain("rerun dead-letter: gauntlet run --broker memory:// --seed 42 --runs 50 (seed 42)");
    expect(out).not.toContain("rerun sessions-order");
    expect(out).toContain("report: reports/2025-01-02T03-04-05-abc123/report.html");
    expect(out).not.toContain("broker logs");
  });

  it("names the broker log copies when the broker was a local node", () => {
    const out = formatConsoleSummary({ ...summary, brokerLogs: ["broker-logs/rabbitmq-gauntlet5672@localhost.log"] }, { color: false });
    expect(out).toContain("broker logs: reports/2025-01-02T03-04-05-abc123/broker-logs/rabbitmq-gauntlet5672@localhost.log\nreport: ");
  });

  it("colours only when asked", () => {
    expect(formatConsoleSummary(summary, { color: false })).not.toMatch(ANSI);
    const coloured = formatConsoleSummary(summary, { color: true });
    expect(coloured).toMatch(/\u001b\[1;31mINVALID\s*\u001b\[0m/);
    expect(coloured.replace(/\u001b\[[\d;]*m/g, "")).toBe(formatConsoleSummary(summary, { color: false }));
  });

  it("neutralises terminal escapes in data", () => {
    const s = fixtureSummary();
    s.suites[0]!.suite = "evil\u001b[2Jname";
    const out = formatConsoleSummary(s, { color: false });
    expect(out).not.toMatch(ANSI);
    expect(out).toContain("evil\\u001b[2Jname");
  });
});

describe("formatCheckSummary", () => {
  const lock = fixtureSummary().suites[1]!;
  const result: ComposedResult = {
    valid: false,
    anomalies: lock.results["total-queue"]!.anomalies,
    counts: {},
    results: lock.results,
  };

  it("lists each checker, its anomalies and examples with history indexes", () => {
    const out = formatCheckSummary(result, { color: false, source: "history.jsonl", examples: 1 });
    expect(out.split("\n")[0]).toBe("check history.jsonl");
    expect(out).toMatch(/^total-queue\s+INVALID\s+lost=5 unexpected=1$/m);
    expect(out).toMatch(/^lock-overlap\s+valid$/m);
    expect(out).toMatch(/^dlq-missing\s+n\/a\s+no dead-letter queue configured$/m);
    expect(out).toContain("total-queue lost (5)\n  - #3, #4 id m1 @ orders: m1 was acknowledged");
    expect(out).toContain("  … 4 more");
    expect(out).not.toContain("m4 acknowledged"); // capped at one example
    expect(out.trimEnd().split("\n").at(-1)).toBe("verdict: INVALID");
    expect(out).not.toMatch(ANSI);
  });

  it("says why a result is unknown", () => {
    const unknown: ComposedResult = {
      valid: "unknown",
      anomalies: {},
      counts: {},
      reason: "no ok sends",
      results: { "total-queue": { valid: "unknown", anomalies: {}, counts: {}, error: "TypeError: boom" } },
    };
    const out = formatCheckSummary(unknown, { color: true });
    expect(out).toMatch(/total-queue\s+\u001b\[33munknown\s*\u001b\[0m\s+TypeError: boom/);
    expect(out).toContain("(no ok sends)");
  });
});
