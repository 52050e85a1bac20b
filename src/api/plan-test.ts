import type { PlanRunInfo } from "../core/run.js";
import { UsageError } from "../core/errors.js";
import { type FaultName, isFaultName } from "../core/faults.js";
import { planBrokerUrl } from "../plans/broker-url.js";
import { checkBroker } from "../environments/start.js";
import { redact } from "../environments/url.js";
import { type PlanInput, type ResolvedPlan, checkPlanBroker, resolvePlan, validatePlan } from "../plans/index.js";
import { shellQuote } from "../report/shell-quote.js";
import type { ResolvedTest } from "./check-test.js";

/** How a plan is run: flags that override the plan's own broker and workload. */
export interface PlanRunOptions {
  /** Broker URL (default: the plan's `broker`). */
  broker?: string;
  runs?: number;
  seed?: number;
  out?: string;
  shrinkBudgetSeconds?: number;
  /** The plan file, for the rerun command and the report. */
  file?: string;
  /** Fault names generated with the workload (default: the plan's workload.faults). */
  faults?: readonly FaultName[];
  /** --use-existing: the plan's useExisting is confirmed on the command line too. */
  useExisting?: boolean;
}

/** Property runs per claim when neither the plan nor the caller says. */
export const PLAN_DEFAULT_RUNS = 10;

/** Is this object a plan (`gauntlet: "plan"`) rather than a test? */
export function isPlan(x: unknown): x is PlanInput {
  return typeof x === "object" && x !== null && (x as { gauntlet?: unknown }).gauntlet === "plan";
}

/** What the report says about a run on existing entities. */
export const EXISTING_NOTE = "existing entities (useExisting + --use-existing): each was empty (peeked) before the run; Gauntlet created and deleted none of them, and its drains left them empty";

const EXAMPLE_URL = { servicebus: "servicebus-emulator://", rabbitmq: "amqp://127.0.0.1:5672", kafka: "kafka://127.0.0.1:9092" } as const;

/** A plan's workload.faults, each a known fault name (exit 3 naming the bad one). */
function planFaults(names: readonly string[] | undefined): FaultName[] {
  (names ?? []).forEach((n, i) => {
    if (!isFaultName(n)) throw new UsageError(`$.workload.faults[${i}]: unknown fault "${n}"`, "name faults as gauntlet run --help lists them (docs/faults.md)");
  });
  return [...new Set(names ?? [])] as FaultName[];
}

/** Existing entities need the plan's useExisting and --use-existing both: one alone is refused (exit 3). */
function checkUseExisting(plan: { useExisting?: boolean | undefined }, flag: boolean, broker: string): void {
  if (plan.useExisting && !flag) throw new UsageError("$.useExisting: this plan tests entities that already exist, which needs --use-existing on the command line too", "add --use-existing (each entity must be empty; nothing is created or deleted), or remove useExisting from the plan");
  if (flag && !plan.useExisting) throw new UsageError("--use-existing: the plan does not say useExisting", 'add "useExisting": true to the plan, or drop --use-existing');
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(broker)?.[1]?.toLowerCase();
  if (plan.useExisting && (scheme === "servicebus-emulator" || scheme === "memory")) throw new UsageError(`--use-existing: ${scheme}:// starts an empty broker of its own for every scenario, so nothing already exists there`, "point at the broker that holds your entities: servicebus://?connection-string-env=NAME (a namespace, or an emulator from gauntlet emulator servicebus --config Config.json), or amqp://…");
}

const isInt = (n: number | undefined, min: number, max: number) => n === undefined || (Number.isInteger(n) && n >= min && n <= max);

/** A plan (validated, exit 3 on any bad field) as the resolved test run() executes, with what the report says about it. */
export function planTest(input: unknown, options: PlanRunOptions = {}): { t: ResolvedTest; resolved: ResolvedPlan; info: PlanRunInfo; command: string } {
  const plan = validatePlan(input, options.file ?? "plan");
  const given = options.broker ?? plan.broker;
  if (!given) throw new UsageError("--broker: this plan names no broker", `add --broker (e.g. ${EXAMPLE_URL[plan.family]}) or "broker" in the plan`);
  checkPlanBroker(plan, given);
  checkUseExisting(plan, options.useExisting === true, given);
  const broker = planBrokerUrl(plan, given);
  const faults = options.faults ?? planFaults(plan.workload?.faults);
  checkBroker(broker, faults);
  if (!isInt(options.runs, 1, 1_000_000)) throw new UsageError(`--runs: ${String(options.runs)} is not a whole number from 1 to 1000000`, "e.g. --runs 10");
  if (!isInt(options.seed, -(2 ** 31), 2 ** 31 - 1)) throw new UsageError(`--seed: ${String(options.seed)} is not a 32-bit integer`, "e.g. --seed 42");
  const resolved = resolvePlan(plan);
  const runs = options.runs ?? plan.workload?.runs ?? PLAN_DEFAULT_RUNS;
  const seed = options.seed ?? plan.workload?.seed ?? Math.floor(Math.random() * 2 ** 31);
  const onMemory = broker.startsWith("memory:");
  const t: ResolvedTest = { broker, suites: resolved.suites, runs, seed, faults: [...faults], shrinkBudgetSeconds: options.shrinkBudgetSeconds ?? (onMemory ? 86_400 : 60), out: options.out ?? "reports", store: "azurite", ...(plan.useExisting ? { existing: resolved.entities } : { planEntities: resolved.entities }) };
  const info: PlanRunInfo = {
    ...(options.file ? { file: options.file } : {}),
    ...(plan.name ? { name: plan.name } : {}),
    family: plan.family,
    claims: resolved.claims.map((c, i) => ({ suite: resolved.suites[i]!.name, claim: { ...c.claim }, because: c.because })),
    unchecked: resolved.unchecked,
    notHonoured: plan.notHonoured ?? [],
    ...(plan.useExisting ? { existing: { entities: resolved.entities.map((e) => e.name), note: EXISTING_NOTE } } : {}),
  };
  const command = ["npx gauntlet run --plan", shellQuote(options.file ?? "PLAN.json"), "--broker", shellQuote(redact(broker)), "--seed", String(seed), "--runs", String(runs), ...(faults.length ? ["--faults", faults.join(",")] : []), ...(plan.useExisting ? ["--use-existing"] : [])].join(" ");
  return { t, resolved, info, command };
}
