import type { EnvironmentFamily } from "../core/environment.js";
import { UsageError } from "../core/errors.js";
import { FAMILIES, familyOf, knownSchemes } from "./registry.js";
import { redact } from "./redact.js";

export { redact } from "./redact.js";

/** Broker URL schemes Gauntlet knows, with what each one is (from the registry). */
export const SCHEMES: Readonly<Record<string, string>> = Object.fromEntries(FAMILIES.map((f) => [f.scheme, f.description]));

/** A parsed --broker URL: its family from the registry and the URL itself. */
export interface BrokerUrl {
  scheme: string;
  family: EnvironmentFamily;
  url: URL;
  /** The URL with credentials removed, safe to print. */
  redacted: string;
}

/** Parse a --broker URL; an unknown scheme fails with the list of known ones; options are checked by the family. */
export function parseBrokerUrl(raw: string): BrokerUrl {
  const match = /^([a-z][a-z0-9+.-]*):/i.exec(raw);
  const scheme = match?.[1]?.toLowerCase();
  if (!scheme) throw new UsageError(`--broker: "${redact(raw)}" is not a URL`, `expected one of ${knownSchemes()}, e.g. memory://`);
  const family = familyOf(scheme);
  let url: URL;
  try {
    url = new URL(family.hostLists ? withHostList(raw) : raw);
  } catch {
    throw new UsageError(`--broker: "${redact(raw)}" is not a valid URL`, `e.g. ${scheme}://host:port`);
  }
  return { scheme, family, url, redacted: redact(raw) };
}

/**
 * WHATWG URLs hold one host; a list (`kafka://a:9092,b:9092/?x`) becomes `kafka://a:9092/,b:9092?x`:
 * the first host in `host`, the others in the path after `/,`, where the family reads them back.
 */
function withHostList(raw: string): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)(.*)$/i.exec(raw);
  if (!m || !m[2]!.includes(",")) return raw;
  const [first, ...rest] = m[2]!.split(",");
  return `${m[1]}${first}/,${rest.join(",")}${m[3]!.replace(/^\//, "")}`;
}
