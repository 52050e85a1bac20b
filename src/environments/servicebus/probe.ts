import { connect } from "node:net";
import { parseServiceBusConnectionString } from "@azure/service-bus";
import { InfrastructureError, UsageError } from "../../core/errors.js";

/** Where a connection string points, for messages (never the key). */
export interface ServiceBusEndpoint {
  host: string;
  port: number;
  emulator: boolean;
}

/** Read a connection string's endpoint; a malformed one is a usage error naming the variable (not the secret). */
export function serviceBusEndpoint(connectionString: string, variable: string): ServiceBusEndpoint {
  let endpoint: string;
  try {
    const parsed = parseServiceBusConnectionString(connectionString);
    endpoint = parsed.endpoint;
    if (!parsed.sharedAccessKeyName && !parsed.sharedAccessSignature) throw new Error("it has no SharedAccessKeyName or SharedAccessSignature");
  } catch (err) {
    throw new UsageError(`servicebus://: the connection string in ${variable} cannot be parsed: ${(err as Error).message.replace(connectionString, "…")}`, `set ${variable} to 'Endpoint=sb://NAMESPACE.servicebus.windows.net/;SharedAccessKeyName=…;SharedAccessKey=…' (the portal's "Shared access policies" shows it)`);
  }
  const emulator = /(^|;)\s*UseDevelopmentEmulator\s*=\s*true\s*(;|$)/i.test(connectionString);
  const url = new URL(endpoint.replace(/^sb:/, "http:"));
  if (!url.hostname) throw new UsageError(`servicebus://: the connection string in ${variable} has no host in its Endpoint`, "Endpoint=sb://NAMESPACE.servicebus.windows.net/");
  return { host: url.hostname, port: url.port ? Number(url.port) : emulator ? 5672 : 5671, emulator };
}

/** Fail fast (exit 4, within `timeoutMs`) when nothing listens at the namespace's AMQP endpoint. */
export async function probeServiceBus(endpoint: ServiceBusEndpoint, timeoutMs = 5_000): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const socket = connect({ host: endpoint.host, port: endpoint.port });
    const fail = (why: string) => {
      socket.destroy();
      reject(new InfrastructureError(`cannot reach Service Bus at ${endpoint.host}:${endpoint.port}: ${why}`, endpoint.emulator ? "is the emulator running? npx gauntlet emulator servicebus serves one" : "check the namespace name in the connection string and that this machine reaches it"));
    };
    socket.setTimeout(timeoutMs, () => fail(`no answer within ${timeoutMs / 1000} s`));
    socket.once("error", (err: NodeJS.ErrnoException) => fail(err.code ?? err.message));
    socket.once("connect", () => {
      socket.destroy();
      resolve();
    });
  });
}
