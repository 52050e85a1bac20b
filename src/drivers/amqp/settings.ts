import { UsageError } from "../../core/errors.js";
import type { AmqpSettings } from "./driver.js";

const PARAMS = ["queue-type", "password-env"];

/**
 * Read Gauntlet's options from an amqp:// URL (`queue-type`, `password-env`) and return
 * amqplib's URL without them.
 */
export function parseAmqpUrl(url: URL): AmqpSettings {
  for (const name of url.searchParams.keys()) {
    if (!PARAMS.includes(name)) throw new UsageError(`--broker: unknown amqp:// option "${name}"`, `expected ${PARAMS.join(", ")}`);
  }
  const queueType = url.searchParams.get("queue-type") ?? "quorum";
  if (queueType !== "quorum" && queueType !== "classic") {
    throw new UsageError(`--broker: queue-type "${queueType}" must be quorum or classic`, "e.g. amqp://127.0.0.1:5672?queue-type=classic");
  }
  const plain = new URL(url.toString());
  // `?password-env=NAME`: the password comes from that environment variable, never from argv.
  const passwordEnv = url.searchParams.get("password-env");
  if (passwordEnv !== null) {
    const password = process.env[passwordEnv];
    if (password === undefined) throw new UsageError(`--broker: environment variable ${passwordEnv} (password-env) is not set`, `export ${passwordEnv}='…' before the run, or drop ?password-env=`);
    if (url.password) throw new UsageError("--broker: the URL has a password and password-env too", "keep the password out of the URL: amqp://user@host:5672?password-env=NAME");
    plain.password = encodeURIComponent(password);
  }
  // A 5 s heartbeat lets a client notice a silently dead connection (a timeout toxic) quickly.
  plain.search = "?heartbeat=5";
  return { url: plain.toString(), queueType };
}
