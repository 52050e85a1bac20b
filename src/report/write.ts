/** Writes a run's report files: results.json, junit.xml and report.html. */
import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { RunSummary } from "../core/run.js";
import { toHtml } from "./html.js";
import { toJunitXml } from "./junit.js";

/** Paths of the files writeReportFiles wrote. */
export interface ReportFiles {
  results: string;
  junit: string;
  html: string;
}

/** Write via a temporary name and rename, so a reader never sees half a file. */
async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text, "utf8");
  await rename(tmp, path);
}

/** Write results.json (the summary), junit.xml and report.html into `dir`, creating it if needed. */
export async function writeReportFiles(dir: string, summary: RunSummary): Promise<ReportFiles> {
  await mkdir(dir, { recursive: true });
  const files: ReportFiles = {
    results: join(dir, "results.json"),
    junit: join(dir, "junit.xml"),
    html: join(dir, "report.html"),
  };
  await Promise.all([
    writeAtomic(files.results, `${JSON.stringify(summary, null, 2)}\n`),
    writeAtomic(files.junit, toJunitXml(summary)),
    writeAtomic(files.html, toHtml(summary)),
  ]);
  return files;
}
