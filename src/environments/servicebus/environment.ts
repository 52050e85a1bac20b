import type { Driver, StartedEnvironment } from "../../core/driver.js";
import type { FaultName } from "../../core/faults.js";
import { UsageError } from "../../core/errors.js";
import { ServiceBusDriver } from "../../drivers/servicebus/driver.js";
import type { ServiceBusEmulator } from "../../emulator/servicebus/index.js";
import { EMULATOR_FAULTS, emulatorFaults } from "./emulator-faults.js";
import { cloudNamespace, emulatorNamespace, existingNamespace } from "./namespace.js";
import { probeServiceBus, serviceBusEndpoint } from "./probe.js";

/** `servicebus-emulator://`: a fresh embedded emulator per scenario, with that scenario's entities. */
export async function startEmulatorEnvironment(redacted: string, url: URL, options: { faults?: readonly FaultName[] } = {}): Promise<StartedEnvironment> {
  if ([...url.searchParams.keys()].length) throw new UsageError(`--broker: servicebus-emulator:// takes no options (got "${url.search}")`, "use servicebus-emulator://");
  const unknown = (options.faults ?? []).filter((f) => !EMULATOR_FAULTS.includes(f));
  if (unknown.length) throw new UsageError(`--faults: ${unknown.join(", ")} not available on servicebus-emulator:// (no proxy sits in front of the embedded emulator)`, `faults of the emulator's own hooks: ${EMULATOR_FAULTS.join(", ")} (docs/faults.md)`);
  const stop = async () => {};
  if (!options.faults?.length) return { url: redacted, connect: async (): Promise<Driver> => new ServiceBusDriver(emulatorNamespace), stop, [Symbol.asyncDispose]: stop };
  // Faults act on the emulator serving the scenario under way (one per scenario).
  let current: ServiceBusEmulator | undefined;
  const tracked = (entities: Parameters<typeof emulatorNamespace>[0]) => emulatorNamespace(entities, (e) => (current = e));
  return { url: redacted, connect: async (): Promise<Driver> => new ServiceBusDriver(tracked), faults: emulatorFaults(() => current?.faults), stop, [Symbol.asyncDispose]: stop };
}

/**
 * `servicebus://?connection-string-env=NAME` (default SERVICEBUS_CONNECTION_STRING): a real
 * namespace or any emulator; the secret stays in the environment, never in argv or reports.
 */
export async function startServiceBusEnvironment(redacted: string, url: URL, options: { faults?: readonly FaultName[] } = {}): Promise<StartedEnvironment> {
  for (const k of url.searchParams.keys()) if (k !== "connection-string-env") throw new UsageError(`--broker: unknown servicebus:// option "${k}"`, "expected connection-string-env");
  if (options.faults?.length) throw new UsageError("--faults: not available on servicebus:// (no proxy can sit in front of a cloud namespace)", "run without --faults; fault windows need a broker Gauntlet can put a proxy in front of (amqp://, kafka://)");
  const name = url.searchParams.get("connection-string-env") ?? "SERVICEBUS_CONNECTION_STRING";
  const connectionString = process.env[name];
  if (!connectionString) throw new UsageError(`servicebus://: environment variable ${name} is not set`, `export ${name}='Endpoint=sb://…;SharedAccessKeyName=…;SharedAccessKey=…' (never pass it on the command line)`);
  await probeServiceBus(serviceBusEndpoint(connectionString, name));
  const stop = async () => {};
  return { url: redacted, connect: async (): Promise<Driver> => new ServiceBusDriver(async (e) => (e.some((x) => x.existing) ? existingNamespace(connectionString) : cloudNamespace(connectionString, e))), stop, [Symbol.asyncDispose]: stop };
}
