import type { StartedEnvironment } from "../core/driver.js";
import type { FaultName } from "../core/faults.js";
import { UsageError } from "../core/errors.js";
import { startAmqpEnvironment } from "../drivers/amqp/environment.js";
import { startKafkaEnvironment } from "../drivers/kafka/environment.js";
import { startMemoryEnvironment } from "./memory/environment.js";
import { parseBrokerUrl, redact } from "./url.js";

/** Start (or connect to) the broker environment a --broker URL names. */
export async function startEnvironment(raw: string, options: { faults?: readonly FaultName[] } = {}): Promise<StartedEnvironment> {
  const { scheme, url } = parseBrokerUrl(raw);
  const faults = options.faults ?? [];
  switch (scheme) {
    case "memory":
      if (faults.length) throw new UsageError("--faults: memory:// has no network or process to break", "use its defect switches instead, e.g. memory://?defects=lose-acked (see gauntlet list)");
      return startMemoryEnvironment(redact(raw), url);
    case "amqp":
      return startAmqpEnvironment(redact(raw), url, { faults });
    case "kafka":
      return startKafkaEnvironment(redact(raw), url, { faults });
    default:
      throw new UsageError(
        `--broker: the ${scheme}:// driver is not available in this version of Gauntlet`,
        "use memory:// (the embedded reference broker), amqp:// (RabbitMQ) or kafka://; the Service Bus driver is being added",
      );
  }
}
