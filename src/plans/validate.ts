import type { z } from "zod";
import { UsageError } from "../core/errors.js";
import { type Plan, planSchema } from "./schema.js";
import { type PlanProblem, claimProblems } from "./claims.js";

export type { PlanProblem } from "./claims.js";

/** Thrown for a plan with bad fields (exit 3): lists every one with its JSON path. */
export class PlanError extends UsageError {
  constructor(
    readonly file: string,
    readonly problems: readonly PlanProblem[],
  ) {
    super(`${file}: ${problems.length} bad field${problems.length === 1 ? "" : "s"}\n${problems.map((p) => `  ${p.path}: ${p.message}\n    fix: ${p.fix}`).join("\n")}`, "correct each field named above (docs/plans.md; schemas/plan.schema.json)");
  }
}

/** `$.entities[0].settings.lockDuration` from zod's path. */
export function jsonPath(path: readonly PropertyKey[]): string {
  return "$" + path.map((p) => (typeof p === "number" ? `[${p}]` : /^[A-Za-z_$][\w$]*$/.test(String(p)) ? `.${String(p)}` : `[${JSON.stringify(String(p))}]`)).join("");
}

function problemsOf(issue: z.core.$ZodIssue): PlanProblem[] {
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((k) => ({ path: jsonPath([...issue.path, k]), message: `unknown setting "${k}"`, fix: "remove it, or spell it as docs/plans.md lists the settings of this entity and family" }));
  }
  if (issue.code === "invalid_union" && "discriminator" in issue && issue.discriminator) {
    const at = issue.path.at(-1) === issue.discriminator ? issue.path : [...issue.path, issue.discriminator as string];
    return [{ path: jsonPath(at), message: issue.message, fix: `set ${String(issue.discriminator)} to one of the values docs/plans.md lists` }];
  }
  const fix = issue.code === "invalid_type" ? `give a value of type ${issue.expected}` : issue.code === "invalid_value" ? `use one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}` : "see docs/plans.md for the allowed values";
  return [{ path: jsonPath(issue.path), message: issue.message, fix }];
}

/** Every problem of a raw plan: shape (zod) first; when the shape is right, the claims against the entities. */
export function planProblems(raw: unknown): { plan?: Plan; problems: PlanProblem[] } {
  const parsed = planSchema.safeParse(raw);
  if (!parsed.success) return { problems: parsed.error.issues.flatMap(problemsOf) };
  return { plan: parsed.data, problems: claimProblems(parsed.data) };
}

/** A valid plan, or PlanError (exit 3) naming the JSON path and fix of every bad field. */
export function validatePlan(raw: unknown, file = "plan"): Plan {
  const { plan, problems } = planProblems(raw);
  if (problems.length || !plan) throw new PlanError(file, problems);
  return plan;
}
