import { UsageError } from "../core/errors.js";
import { kafkaUrlOptions } from "./kafka.js";
import type { Plan } from "./schema.js";

/**
 * The broker URL a plan runs on: a Kafka plan's client settings become kafka:// options (the
 * driver reads them there, and the report and rerun command show them). An option the URL
 * already sets to another value is refused (exit 3), never silently overridden.
 */
export function planBrokerUrl(plan: Plan, broker: string): string {
  if (plan.family !== "kafka") return broker;
  const q = broker.indexOf("?");
  const params = new URLSearchParams(q < 0 ? "" : broker.slice(q + 1));
  for (const [name, value] of Object.entries(kafkaUrlOptions(plan))) {
    const had = params.get(name);
    if (had !== null && had !== value && !(name === "acks" && ["all", "-1"].includes(had) && value === "all")) {
      throw new UsageError(`--broker: ${name}=${had} in the URL contradicts the plan's client settings (${name}=${value})`, `drop ${name} from --broker: the plan's producer and consumer settings choose it`);
    }
    params.set(name, value);
  }
  return `${q < 0 ? broker : broker.slice(0, q)}?${params.toString()}`;
}
