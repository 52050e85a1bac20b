import { parseBrokerUrl, redact } from "../../brokers/url.js";
import { openAmqpBenchClient } from "./amqp.js";
import { type KafkaBenchOptions, openKafkaBenchClient } from "./kafka.js";
import { openMemoryBenchClient } from "./memory.js";
import { openServiceBusBenchClient } from "./servicebus.js";
import type { BenchClient } from "./types.js";

export type { BenchClient } from "./types.js";

/** Open the bench client for a --broker URL (one per broker family; see clients/*.ts). */
export async function openBenchClient(raw: string, options: { kafka?: KafkaBenchOptions } = {}): Promise<BenchClient> {
  const { scheme, url } = parseBrokerUrl(raw);
  switch (scheme) {
    case "memory":
      return openMemoryBenchClient(url);
    case "amqp":
      return openAmqpBenchClient(redact(raw), url);
    case "kafka":
      return openKafkaBenchClient(redact(raw), url, options.kafka);
    case "servicebus":
    case "servicebus-emulator":
      return openServiceBusBenchClient(scheme);
  }
}
