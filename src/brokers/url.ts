import { UsageError } from "../core/errors.js";

/** Broker URL schemes Gauntlet knows, with what each one is. */
export const SCHEMES = {
  memory: "embedded reference broker (deterministic, virtual time)",
  "servicebus-emulator": "embedded Azure Service Bus emulator",
  amqp: "RabbitMQ over AMQP 0-9-1 (amqplib)",
  kafka: "Apache Kafka (kafkajs)",
  servicebus: "Azure Service Bus namespace (connection string from an env var)",
} as const;

export type Scheme = keyof typeof SCHEMES;

/** Parse a --broker URL; unknown schemes fail with the list of known ones. */
export function parseBrokerUrl(raw: string): { scheme: Scheme; url: URL } {
  const match = /^([a-z][a-z0-9+.-]*):/i.exec(raw);
  const scheme = match?.[1]?.toLowerCase();
  const known = Object.keys(SCHEMES).join(", ");
  if (!scheme) throw new UsageError(`--broker: "${raw}" is not a URL`, `expected one of ${known}, e.g. memory://`);
  if (!Object.hasOwn(SCHEMES, scheme)) {
    throw new UsageError(`--broker: unknown scheme "${scheme}"`, `expected one of ${known}`);
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--broker: "${redact(raw)}" is not a valid URL`, `e.g. ${scheme}://host:port`);
  }
  return { scheme: scheme as Scheme, url };
}

/** The URL with any password or key removed, for reports and logs. */
export function redact(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password) url.password = "***";
    for (const name of [...url.searchParams.keys()]) {
      if (/key|secret|password|token|sas/i.test(name)) url.searchParams.set(name, "***");
    }
    return url.toString();
  } catch {
    return raw.replace(/\/\/[^@/]*@/, "//***@");
  }
}
