import { readFile } from "node:fs/promises";
import { UsageError } from "../../core/errors.js";
import type { PlanInput } from "../schema.js";
import { validatePlan } from "../validate.js";
import { importRabbitMqDefinitions } from "./rabbitmq.js";
import { importServiceBusConfig } from "./servicebus.js";

const IMPORTERS: Record<string, (raw: unknown, file: string) => PlanInput> = { servicebus: importServiceBusConfig, rabbitmq: importRabbitMqDefinitions };

/** `gauntlet plan import KIND FILE`: read a broker's own configuration file and return the plan (validated). Kafka's live import is the CLI's (it reads through the driver). */
export async function importPlan(kind: string, file: string | undefined, options: { broker?: string; topic?: string[] } = {}): Promise<PlanInput> {
  const importer = IMPORTERS[kind];
  if (!importer) throw new UsageError(`plan import: unknown kind "${kind}"`, `expected one of ${[...Object.keys(IMPORTERS), "kafka"].join(", ")} (servicebus: the emulator's Config.json; rabbitmq: the management plugin's definitions.json; kafka: --broker URL --topic NAME)`);
  if (file === undefined) throw new UsageError(`plan import ${kind}: no file given`, `give the path of a ${kind === "servicebus" ? "Config.json" : "definitions.json"}`);
  if (options.topic?.length) throw new UsageError(`plan import ${kind}: --topic is for plan import kafka`, "drop --topic");
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, "utf8"));
  } catch (err) {
    throw new UsageError(`plan import ${kind}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, `give the path of a ${kind === "servicebus" ? "Config.json" : "definitions.json"} (JSON)`);
  }
  const plan = importer(raw, file);
  // What the importer produced must be a valid plan; if not, the file had values Gauntlet refuses (exit 3, named).
  validatePlan(plan, `${file} (imported)`);
  return plan;
}
