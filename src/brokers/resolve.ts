import type { StartedEnvironment } from "../core/driver.js";
import type { FaultName } from "../core/faults.js";
import { UsageError } from "../core/errors.js";
import { startAmqpEnvironment } from "../drivers/amqp/environment.js";
import { startKafkaEnvironment } from "../drivers/kafka/environment.js";
import { startEmulatorEnvironment, startServiceBusEnvironment } from "../drivers/servicebus/environment.js";
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
    case "servicebus-emulator":
      return startEmulatorEnvironment(redact(raw), url, { faults });
    case "servicebus":
      return startServiceBusEnvironment(redact(raw), url, { faults });
  }
}
