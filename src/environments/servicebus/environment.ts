import type { Driver, StartedEnvironment } from "../../core/driver.js";
import type { FaultName } from "../../core/faults.js";
import { UsageError } from "../../core/errors.js";
import { ServiceBusDriver } from "../../drivers/servicebus/driver.js";
import { cloudNamespace, emulatorNamespace, existingNamespace } from "./namespace.js";
import { probeServiceBus, serviceBusEndpoint } from "./probe.js";

/** `servicebus-emulator://`: a fresh embedded emulator per scenario, with that scenario's entities. */
export async function startEmulatorEnvironment(redacted: string, url: URL, options: { faults?: readonly FaultName[] } = {}): Promise<StartedEnvironment> {
  if ([...url.searchParams.keys()].length) throw new UsageError(`--broker: servicebus-emulator:// takes no options (got "${url.search}")`, "use servicebus-emulator://");
  if (options.faults?.length) throw new UsageError("--faults: the embedded Service Bus emulator has its own fault hooks, not network faults yet", "run without --faults");
  const stop = async () => {};
  return { url: redacted, connect: async (): Promise<Driver> => new ServiceBusDriver(emulatorNamespace), stop, [Symbol.asyncDispose]: stop };
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
