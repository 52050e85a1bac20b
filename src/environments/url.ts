import type { EnvironmentFamily } from "../core/environment.js";
import { UsageError } from "../core/errors.js";
import { FAMILIES, familyOf, knownSchemes } from "./registry.js";

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
    url = new URL(raw);
  } catch {
    throw new UsageError(`--broker: "${redact(raw)}" is not a valid URL`, `e.g. ${scheme}://host:port`);
  }
  return { scheme, family, url, redacted: redact(raw) };
}

/** The URL with any password or key removed, for reports and logs. */
export function redact(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password) url.password = "***";
    for (const name of [...url.searchParams.keys()]) {
      if (/key|secret|password|token|sas/i.test(name)) url.searchParams.set(name, "***");
    }
    return url.toString();
  } catch {
    // Not a URL: hide anything that looks like user:password@ (with or without the //).
    return raw.replace(/^([a-z][a-z0-9+.-]*:?\/*)[^@/]*@/i, "$1***@");
  }
}
