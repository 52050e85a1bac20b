import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { Verdict } from "../core/result.js";
import { parseHistory } from "../history/reader.js";
import { compose } from "./compose.js";
import { CHECKERS } from "./registry.js";

const dir = fileURLToPath(new URL("../../fixtures/histories/", import.meta.url));
const load = (file: string) => parseHistory(readFileSync(dir + file, "utf8"), file);

/** file → [checker, verdict, the only anomaly it reports]. */
const EXPECTED: Record<string, [string, Verdict, string]> = {
  "invalid-lost.jsonl": ["at-least-once", false, "lost"],
  "invalid-unexpected.jsonl": ["at-least-once", false, "unexpected"],
  "invalid-duplicate-redelivery.jsonl": ["duplicates", false, "duplicate-redelivery"],
  "invalid-order-violation.jsonl": ["ordering-per-key", false, "order-violation"],
  "invalid-early-redelivery.jsonl": ["lock-expiry", false, "early-redelivery"],
  "invalid-lock-overlap.jsonl": ["lock-expiry", false, "lock-overlap"],
  "invalid-settle-after-lock-loss-accepted.jsonl": ["lock-expiry", false, "settle-after-lock-loss-accepted"],
  "invalid-deliverycount-nonmonotonic.jsonl": ["lock-expiry", false, "deliverycount-nonmonotonic"],
  "invalid-dlq-missing.jsonl": ["dead-letter", false, "dlq-missing"],
  "invalid-dlq-premature.jsonl": ["dead-letter", false, "dlq-premature"],
  "invalid-dlq-unexpected.jsonl": ["dead-letter", false, "dlq-unexpected"],
  "unknown-no-drain.jsonl": ["at-least-once", "unknown", "unseen"],
  "unknown-drain-before-ack.jsonl": ["at-least-once", "unknown", "unseen"],
  "invalid-poll-skip.jsonl": ["kafka-log", false, "poll-skip"],
};
const VALID = ["valid-queue.jsonl", "valid-topic-fanout.jsonl", "valid-dead-letter.jsonl", "valid-redelivery-after-expiry.jsonl"];
const all = Object.values(CHECKERS);

describe("golden histories", () => {
  it("every fixture file is covered by a test and listed in the README", () => {
    const files = readdirSync(dir).filter((f) => f.endsWith(".jsonl")).sort();
    expect(files).toEqual([...VALID, ...Object.keys(EXPECTED)].sort());
    const readme = readFileSync(dir + "README.md", "utf8");
    for (const f of files) expect(readme).toContain(`\`${f}\``);
  });

  it.each(VALID)("%s is valid for every checker", (file) => {
    const composed = compose(all, load(file), {});
    for (const [name, r] of Object.entries(composed.results)) {
      expect({ name, valid: r.valid, anomalies: r.anomalies }).toEqual({ name, valid: true, anomalies: {} });
    }
    expect(composed.valid).toBe(true);
  });

  it.each(Object.entries(EXPECTED))("%s yields its verdict and anomaly", (file, [checker, verdict, anomaly]) => {
    const composed = compose(all, load(file), {});
    expect(composed.valid).toBe(verdict);
    expect(Object.keys(composed.anomalies)).toEqual([anomaly]);
    const own = composed.results[checker]!;
    expect(own.valid).toBe(verdict);
    expect(own.counts[anomaly]).toBeGreaterThan(0);
    const ex = own.anomalies[anomaly]![0]!;
    expect(ex.indexes.length).toBeGreaterThan(0);
    expect(typeof ex.id).toBe("string");
    expect(typeof ex.entity).toBe("string");
    expect(ex.explanation).toMatch(/\.$/);
    // Every other checker finds nothing wrong (it may be unknown only when the fixture is).
    for (const [name, r] of Object.entries(composed.results)) if (name !== checker) expect([name, r.valid]).toEqual([name, true]);
  });

  it("the unknown verdict says the final drain is missing", () => {
    const r = compose(all, load("unknown-no-drain.jsonl"), {});
    expect(r.results["at-least-once"]!.reason).toMatch(/final drain missing for orders/);
    expect(r.results["at-least-once"]!.anomalies.unseen![0]!.id).toBe("m2");
  });
});
