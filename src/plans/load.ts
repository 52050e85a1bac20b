import { readFile } from "node:fs/promises";
import { extname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseDocument } from "yaml";
import { UsageError } from "../core/errors.js";
import { PlanError, validatePlan } from "./validate.js";
import type { Plan } from "./schema.js";

/** The raw object in a plan file: JSON, or a JS/TS module exporting it (default or `plan`). */
export async function readRawPlan(file: string): Promise<unknown> {
  const ext = extname(file).toLowerCase();
  if ([".js", ".mjs", ".ts", ".mts"].includes(ext)) {
    try {
      const mod = (await import(pathToFileURL(resolve(file)).href)) as { default?: unknown; plan?: unknown };
      return mod.default ?? mod.plan;
    } catch (err) {
      throw new UsageError(`--plan: cannot load ${file}: ${(err as Error).message}`, "the module must export the plan object as default or as `plan`");
    }
  }
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new UsageError(`--plan: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, "give the path of a plan file (JSON, YAML, or a .js/.ts module)");
  }
  if ([".yaml", ".yml"].includes(ext)) return parseYamlPlan(file, text);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new PlanError(file, [{ path: "$", message: `not valid JSON (${(err as Error).message})`, fix: "write the plan as JSON (docs/plans.md), or as a .js/.ts module exporting it" }]);
  }
}

/** Read and validate a plan file (exit 3 naming every bad field). */
export async function readPlan(file: string): Promise<Plan> {
  return validatePlan(await readRawPlan(file), file);
}

/** A YAML plan (same schema as JSON); a syntax error is a bad plan at `$` with its line and column. */
function parseYamlPlan(file: string, text: string): unknown {
  const doc = parseDocument(text, { prettyErrors: false });
  const err = doc.errors[0];
  if (err) {
    const offset = err.pos[0];
    const at = { line: text.slice(0, offset).split("\n").length, col: offset - text.lastIndexOf("\n", offset - 1) };
    throw new PlanError(file, [{ path: "$", message: `not valid YAML (line ${at.line}, column ${at.col}): ${err.message.split("\n")[0]}`, fix: "write the plan as YAML or JSON with the fields docs/plans.md lists" }]);
  }
  return doc.toJS() as unknown;
}
