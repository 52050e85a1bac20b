import type { StartedEnvironment } from "../core/driver.js";
import { UsageError } from "../core/errors.js";
import { startAmqpEnvironment } from "../drivers/amqp/environment.js";
import { startKafkaEnvironment } from "../drivers/kafka/environment.js";
import { startMemoryEnvironment } from "./memory/environment.js";
import { parseBrokerUrl, redact } from "./url.js";

/** Start (or connect to) the broker environment a --broker URL names. */
export async function startEnvironment(raw: string): Promise<StartedEnvironment> {
  const { scheme, url } = parseBrokerUrl(raw);
  switch (scheme) {
    case "memory":
      return startMemoryEnvironment(redact(raw), url);
    case "amqp":
      return startAmqpEnvironment(redact(raw), url);
    case "kafka":
      return startKafkaEnvironment(redact(raw), url);
    default:
      throw new UsageError(
        `--broker: the ${scheme}:// driver is not available in this version of Gauntlet`,
        "use memory:// (the embedded reference broker), amqp:// (RabbitMQ) or kafka://; the Service Bus driver is being added",
      );
  }
}
