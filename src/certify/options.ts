import { UsageError } from "../core/errors.js";
import { parseBrokerUrl } from "../environments/url.js";
import type { DeliveryMode } from "./certify.js";
import { IN_PROCESS } from "./repro.js";
import { SEMANTICS, type Semantics } from "./types.js";

/** Parse --semantics. */
export function semanticsOption(raw: string | undefined): Semantics {
  if (raw === undefined) return "per-key-order";
  if (!(SEMANTICS as readonly string[]).includes(raw)) throw new UsageError(`--semantics: unknown semantics "${raw}"`, `expected one of ${SEMANTICS.join(", ")}`);
  return raw as Semantics;
}

/** Parse certify's --broker: absent = in-process scheduler; memory:// = the embedded broker. */
export function deliveryModeOption(raw: string | undefined): DeliveryMode {
  if (raw === undefined || raw === IN_PROCESS) return "in-process";
  const { scheme, url } = parseBrokerUrl(raw);
  if (scheme !== "memory") throw new UsageError(`--broker: certify through ${scheme}:// is not available in this version of Gauntlet`, "use --broker memory:// (the embedded broker) or leave --broker out (the in-process scheduler)");
  if (url.search) throw new UsageError(`--broker: certify takes memory:// without options (got "${url.search}")`, "use --broker memory://");
  return "memory";
}
