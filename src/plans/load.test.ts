import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readPlan, readRawPlan } from "./load.js";
import { PlanError } from "./validate.js";

const ROOT = join(import.meta.dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "gauntlet-plan-yaml-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("YAML plan files", () => {
  it("read to the same plan as the JSON fixture", async () => {
    const json = JSON.parse(readFileSync(join(ROOT, "fixtures/plans/kafka.json"), "utf8")) as Record<string, unknown>;
    delete json.$schema;
    expect(await readRawPlan(join(ROOT, "fixtures/plans/kafka.yaml"))).toEqual(json);
    expect((await readPlan(join(ROOT, "fixtures/plans/kafka.yaml"))).family).toBe("kafka");
  });

  it("a YAML syntax error is a bad plan naming the line; a bad field is named by its JSON path as in JSON", async () => {
    const broken = join(dir, "broken.yml");
    writeFileSync(broken, "gauntlet: plan\nentities: [\n  - kind: queue\n");
    const err = (await readRawPlan(broken).catch((e: unknown) => e)) as PlanError;
    expect(err).toBeInstanceOf(PlanError);
    expect(err.problems[0]).toMatchObject({ path: "$", message: expect.stringMatching(/not valid YAML \(line \d+, column \d+\)/) });
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, "gauntlet: plan\nversion: 1\nfamily: kafka\nentities:\n  - kind: topic\n    name: t\n    settings: { partitons: 3 }\n");
    await expect(readPlan(bad)).rejects.toThrow(/\$\.entities\[0\]\.settings\.partitons: unknown setting/);
  });
});
