import type { BaseOptions } from "@platformatic/kafka";
import type { ClientOptions } from "../client.js";

/** Connection options shared by every @platformatic/kafka client the driver opens. */
export function baseOptions(brokers: string[], retries: number, options: ClientOptions = {}): BaseOptions {
  return {
    clientId: "gauntlet",
    bootstrapBrokers: brokers,
    connectTimeout: options.connectionTimeoutMs ?? 3_000,
    retries,
    // kafkajs' schedule (100 ms doubling up to 2 s) instead of platformatic's flat 1 s.
    retryDelay: (_client, _operation, attempt) => Math.min(2_000, 100 * 2 ** Math.max(0, attempt - 1)),
  };
}
