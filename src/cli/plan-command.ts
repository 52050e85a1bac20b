import { exitCodeFor } from "../core/result.js";
import { EXIT, UsageError } from "../core/errors.js";
import { planTest } from "../api/plan-test.js";
import { redact } from "../environments/url.js";
import { runResolved } from "../api/run.js";
import { type ResolvedPlan, planProblems, readPlan, readRawPlan } from "../plans/index.js";
import { importPlan } from "../plans/importers/index.js";
import { importKafkaPlan } from "./plan-import-kafka.js";
import { parseFaults, positiveInt, seedOption } from "./options.js";
import { printSummary } from "./output.js";
import { ProgressLine } from "./progress.js";
import { onShutdown } from "./shutdown.js";
import type { RunCommandOptions } from "./run-command.js";

/** The claims a plan run checks, and what it does not, as printed before the run. */
export function describePlan(resolved: ResolvedPlan, broker: string): string {
  const lines = [`plan${resolved.plan.name ? ` "${resolved.plan.name}"` : ""} (${resolved.plan.family}) on ${broker}: ${resolved.claims.length} claim${resolved.claims.length === 1 ? "" : "s"}${resolved.plan.claims ? "" : " derived from the settings"}`];
  resolved.claims.forEach((c, i) => lines.push(`  ${resolved.suites[i]!.name}: ${c.because}`));
  for (const u of resolved.unchecked) lines.push(`  not checked: ${u.entity} ${u.setting}: ${u.reason}`);
  for (const n of resolved.plan.notHonoured ?? []) lines.push(`  not honoured: ${n.path} ${n.setting}: ${n.reason}`);
  if (resolved.plan.useExisting) lines.push(`  existing entities: ${resolved.entities.map((e) => e.name).join(", ")} — each must be empty before the run; Gauntlet creates and deletes none of them`);
  return lines.join("\n");
}

/** `gauntlet run --plan FILE`: the plan's entities and claims, property-run, printed, exit code by verdict. */
export async function runPlanCommand(file: string, suiteNames: string[], options: RunCommandOptions): Promise<number> {
  if (suiteNames.length) throw new UsageError(`run --plan: suite names (${suiteNames.join(", ")}) cannot be combined with a plan`, "the plan's claims choose what runs: drop the suite names, or drop --plan");
  const plan = await readPlan(file);
  const shrink = options.shrinkBudget === undefined ? undefined : positiveInt("--shrink-budget", options.shrinkBudget, 60, 86_400);
  const { t, resolved, info, command } = planTest(plan, {
    file,
    out: options.out,
    ...(options.broker ? { broker: options.broker } : {}),
    ...(options.runs !== undefined ? { runs: positiveInt("--runs", options.runs, 10) } : {}),
    ...(options.seed !== undefined ? { seed: seedOption(options.seed)! } : {}),
    ...(shrink ? { shrinkBudgetSeconds: shrink } : {}),
    ...(options.faults !== undefined ? { faults: parseFaults(options.faults) } : {}),
    ...(options.useExisting ? { useExisting: true } : {}),
  });
  (options.json ? process.stderr : process.stdout).write(`${describePlan(resolved, redact(t.broker))}\n`);
  const progress = new ProgressLine(options.progress !== false);
  const summary = await runResolved(
    t,
    {
      onProgress: (p) => progress.update(p),
      onSuiteDone: () => progress.done(),
      onInterrupt: (cleanup) => onShutdown(async (signal) => {
        progress.done();
        await cleanup(signal);
      }),
    },
    { command, plan: info },
  );
  progress.done();
  printSummary(summary, options.json === true);
  return exitCodeFor(summary.verdict);
}

/** `gauntlet plan validate FILE`: 0 and the claims it would check, or 3 with the JSON path and fix of every bad field. */
export async function planValidateCommand(file: string, options: { json?: boolean }): Promise<number> {
  const { plan, problems } = planProblems(await readRawPlan(file));
  if (options.json) process.stdout.write(`${JSON.stringify({ file, valid: problems.length === 0, problems }, null, 2)}\n`);
  if (problems.length || !plan) {
    if (!options.json) for (const p of problems) process.stderr.write(`${file}: ${p.path}: ${p.message}\n  fix: ${p.fix}\n`);
    return EXIT.usage;
  }
  if (!options.json) {
    const { resolvePlan } = await import("../plans/index.js");
    process.stdout.write(`${file}: valid\n${describePlan(resolvePlan(plan), plan.broker ?? "(--broker)")}\n`);
  }
  return EXIT.valid;
}

/** `gauntlet plan import servicebus|rabbitmq FILE` or `plan import kafka --broker URL --topic NAME`: the plan, as JSON on stdout; what cannot be honoured is named in it and on stderr. */
export async function planImportCommand(kind: string, file: string | undefined, options: { broker?: string; topic?: string[] }): Promise<number> {
  const plan = kind === "kafka" ? await importKafkaPlan(file, options) : await importPlan(kind, file, options);
  for (const n of plan.notHonoured ?? []) process.stderr.write(`gauntlet: not honoured: ${n.path} ${n.setting}: ${n.reason}\n`);
  process.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
  return EXIT.valid;
}
