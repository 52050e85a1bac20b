import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, gauntlet } from "./cli-helpers.js";

const FIXTURES = join(ROOT, "fixtures", "histories");
const files = readdirSync(FIXTURES).filter((f) => f.endsWith(".jsonl"));

describe("gauntlet check on the golden histories", () => {
  it("has valid, invalid and unknown fixtures", () => {
    expect(files.some((f) => f.startsWith("valid-"))).toBe(true);
    expect(files.filter((f) => f.startsWith("invalid-")).length).toBeGreaterThanOrEqual(10);
    expect(files.some((f) => f.startsWith("unknown-"))).toBe(true);
  });

  it.each(files)("%s gets the verdict its name states", (file) => {
    const r = gauntlet(["check", join(FIXTURES, file), "--json"]);
    const result = JSON.parse(r.stdout);
    expect(result).toHaveProperty("valid");
    if (file.startsWith("valid-")) {
      expect(result.valid).toBe(true);
      expect(r.code).toBe(0);
    } else if (file.startsWith("invalid-")) {
      const anomaly = file.slice("invalid-".length, -".jsonl".length);
      expect(result.valid).toBe(false);
      expect(r.code).toBe(1);
      const named = result.runs.flatMap((run: { anomalies: Record<string, unknown> }) => Object.keys(run.anomalies));
      expect(named).toContain(anomaly);
    } else {
      expect(result.valid).toBe("unknown");
      expect(r.code).toBe(2);
    }
  });
});
