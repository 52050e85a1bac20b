import { UsageError } from "../../core/errors.js";
import type { AmqpSettings } from "./driver.js";
import type { ManagementEndpoint } from "./read-back.js";

const PARAMS = ["queue-type", "password-env", "management"];

/**
 * Read Gauntlet's options from an amqp:// URL (`queue-type`, `password-env`, `management`) and
 * return amqplib's URL without them.
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
  const management = managementEndpoint(url, plain);
  // A 5 s heartbeat lets a client notice a silently dead connection (a timeout toxic) quickly.
  plain.search = "?heartbeat=5";
  return { url: plain.toString(), queueType, ...(management ? { management } : {}) };
}

/**
 * The management API plans read queue settings back through: `?management=http://host:port`, or
 * `off`; by default the broker's host on port 15672. It logs in with the amqp:// URL's user and
 * password (guest when the URL has none), so `management=` takes no credentials of its own.
 */
function managementEndpoint(url: URL, withPassword: URL): ManagementEndpoint | undefined {
  const given = url.searchParams.get("management");
  if (given === "off") return undefined;
  let base = `http://${url.hostname.includes(":") ? `[${url.hostname}]` : url.hostname}:15672`;
  if (given !== null) {
    let m: URL;
    try {
      m = new URL(given);
    } catch {
      throw new UsageError(`--broker: management "${given}" is not a URL`, "e.g. amqp://host:5672?management=http://host:15672 (or management=off)");
    }
    if (m.protocol !== "http:" && m.protocol !== "https:") throw new UsageError(`--broker: management must be an http:// or https:// URL, not ${m.protocol}`, "e.g. amqp://host:5672?management=http://host:15672");
    if (m.username || m.password) throw new UsageError("--broker: management takes no user or password", "the management API is logged into with the amqp:// URL's user and password: amqp://user@host:5672?password-env=NAME&management=http://host:15672");
    base = m.origin + m.pathname.replace(/\/+$/, "");
  }
  return {
    url: base,
    user: decodeURIComponent(url.username) || "guest",
    password: decodeURIComponent(withPassword.password) || (url.username ? "" : "guest"),
    vhost: decodeURIComponent(url.pathname.slice(1)) || "/",
  };
}
