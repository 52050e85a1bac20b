import type { BenchClient } from "../core/bench-client.js";
import type { StartedEnvironment } from "../core/driver.js";
import type { BenchSupport } from "../core/environment.js";
import { UsageError } from "../core/errors.js";
import { FAULTS, type FaultInfo, type FaultName } from "../core/faults.js";
import { type BrokerUrl, parseBrokerUrl } from "./url.js";

/** Check a --broker URL and --faults against the family's entry, before anything starts (exit 3). */
export function checkBroker(raw: string, faults: readonly FaultName[] = []): BrokerUrl {
  const broker = parseBrokerUrl(raw);
  const names = [...broker.url.searchParams.keys()];
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw new UsageError(`--broker: option "${twice}" is given twice`, `give it once; several values go in one, comma-separated where the option takes a list (e.g. ${broker.scheme}://?${twice}=a,b)`);
  broker.family.validate(broker.url);
  const { family, scheme } = broker;
  const missing = faults.filter((f) => !family.faults.includes(f));
  if (missing.length) {
    const available = family.faults.length ? `available on ${scheme}://: ${family.faults.join(", ")}` : undefined;
    const fix = [available, family.faultsHint].filter(Boolean).join("; ") || "run without --faults";
    // A protocol fault of another protocol: say there is no such frame here.
    const foreign = missing.map((f) => (FAULTS[f] as FaultInfo).protocol).find((p) => p !== undefined);
    const protocolName = { kafka: "a Kafka", "amqp-0-9-1": "an AMQP 0-9-1", "amqp-1.0": "a Service Bus emulator (AMQP 1.0)" } as const;
    const why = foreign ? ` (${protocolName[foreign]} protocol fault: ${scheme}:// has no such frame)` : "";
    throw new UsageError(family.faults.length ? `--faults: ${missing.join(", ")} not available on ${scheme}://${why}` : `--faults: ${scheme}:// has no faults to inject`, fix);
  }
  return broker;
}

/** Start (or connect to) the broker environment a --broker URL names. */
export async function startEnvironment(raw: string, options: { faults?: readonly FaultName[] } = {}): Promise<StartedEnvironment> {
  const faults = options.faults ?? [];
  const broker = checkBroker(raw, faults);
  return broker.family.start(broker.redacted, broker.url, { faults });
}

/** The family's bench support, or exit 3 naming the families that have it. */
export function benchSupport(raw: string, what = "bench"): { broker: BrokerUrl; bench: BenchSupport } {
  const broker = checkBroker(raw);
  if (!broker.family.bench) throw new UsageError(`${what}: ${broker.scheme}:// has no bench client yet`, "use memory://, amqp:// or kafka://");
  return { broker, bench: broker.family.bench };
}

/** Open the bench client for a --broker URL (one per broker family, from the registry). */
export async function openBenchClient(raw: string): Promise<BenchClient> {
  const { broker, bench } = benchSupport(raw);
  return bench.open(broker.redacted, broker.url);
}
