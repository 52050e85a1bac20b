import { UsageError } from "../../core/errors.js";
import type { AmqpSettings } from "./driver.js";

const PARAMS = ["queue-type"];

/** Read Gauntlet's options from an amqp:// URL and return amqplib's URL without them. */
export function parseAmqpUrl(url: URL): AmqpSettings {
  for (const name of url.searchParams.keys()) {
    if (!PARAMS.includes(name)) throw new UsageError(`--broker: unknown amqp:// option "${name}"`, `expected ${PARAMS.join(", ")}`);
  }
  const queueType = url.searchParams.get("queue-type") ?? "quorum";
  if (queueType !== "quorum" && queueType !== "classic") {
    throw new UsageError(`--broker: queue-type "${queueType}" must be quorum or classic`, "e.g. amqp://127.0.0.1:5672?queue-type=classic");
  }
  const plain = new URL(url.toString());
  // A 5 s heartbeat lets a client notice a silently dead connection (a timeout toxic) quickly.
  plain.search = "?heartbeat=5";
  return { url: plain.toString(), queueType };
}
