import { mkdtemp, readFile, rm, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { fixtureSummary } from "./fixture.test-helper.js";
import { toHtml } from "./html.js";
import { toJunitXml } from "./junit.js";
import { writeReportFiles } from "./write.js";

describe("writeReportFiles", () => {
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
  });

  it("creates the directory and writes results.json, junit.xml and report.html", async () => {
    const base = await mkdtemp(join(tmpdir(), "gauntlet-report-"));
    dirs.push(base);
    const dir = join(base, "nested", "run-1");
    const summary = fixtureSummary();
    const files = await writeReportFiles(dir, summary);
    expect(files).toEqual({ results: join(dir, "results.json"), junit: join(dir, "junit.xml"), html: join(dir, "report.html") });
    expect(JSON.parse(await readFile(files.results, "utf8"))).toEqual(JSON.parse(JSON.stringify(summary)));
    expect(await readFile(files.junit, "utf8")).toBe(toJunitXml(summary));
    expect(await readFile(files.html, "utf8")).toBe(toHtml(summary));
    expect((await readdir(dir)).sort()).toEqual(["junit.xml", "report.html", "results.json"]); // no temp files left
  });
});
