/**
 * Claims-based security ($cbs): the SDK sends a SAS token before every link attach. The
 * token must be signed with the namespace key: HMAC-SHA256 over `<url-encoded audience>\n<expiry>`.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { Message } from "rhea";

export interface PutTokenResult {
  status: number;
  description: string;
  /** Lower-case entity path the token grants ("" = the whole namespace). */
  grantsPath?: string;
}

/**
 * Token types the SDKs put: JS, Java and Go send SAS tokens as `servicebus.windows.net:sastoken`,
 * Python (pyamqp) as `jwt`. Either way the body must be a SharedAccessSignature (no AAD here).
 */
const TOKEN_TYPES = new Set(["servicebus.windows.net:sastoken", "jwt", "servicebus.windows.net:jwt"]);

export function putToken(req: Message, keyName: string, key: string, now = Date.now()): PutTokenResult {
  const props = (req.application_properties ?? {}) as Record<string, unknown>;
  if (props.operation !== "put-token") return { status: 400, description: `unknown $cbs operation ${String(props.operation)}` };
  if (!TOKEN_TYPES.has(String(props.type))) return { status: 400, description: `unsupported token type ${String(props.type)}; only SAS tokens are accepted` };
  const token = typeof req.body === "string" ? req.body : Buffer.isBuffer(req.body) ? req.body.toString("utf8") : undefined;
  const checked = checkSasToken(token, keyName, key, now);
  if (typeof checked === "string") return { status: 401, description: checked };
  return { status: 202, description: "Accepted", grantsPath: audiencePath(checked.audience) };
}

/** Check a `SharedAccessSignature sr=…&sig=…&se=…&skn=…` token: its audience, or why it is refused. */
export function checkSasToken(token: string | undefined, keyName: string, key: string, now = Date.now()): { audience: string } | string {
  if (!token?.startsWith("SharedAccessSignature ")) return "not a SharedAccessSignature token";
  const fields = new Map<string, string>();
  for (const part of token.slice("SharedAccessSignature ".length).split("&")) {
    const i = part.indexOf("=");
    if (i > 0) fields.set(part.slice(0, i), part.slice(i + 1));
  }
  const sr = fields.get("sr");
  const sig = fields.get("sig");
  const se = fields.get("se");
  const skn = fields.get("skn");
  if (!sr || !sig || !se || !skn) return "SAS token lacks sr, sig, se or skn";
  if (decodeURIComponent(skn) !== keyName) return `unknown SharedAccessKeyName '${decodeURIComponent(skn)}'`;
  if (!(Number(se) * 1000 > now)) return "SAS token expired";
  const expected = createHmac("sha256", key).update(`${sr}\n${se}`).digest();
  const given = Buffer.from(decodeURIComponent(sig), "base64");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return "InvalidSignature: the token signature does not match the namespace key";
  return { audience: decodeURIComponent(sr) };
}

/** `sb://host:port/Queue/$management` → `queue/$management`. */
function audiencePath(audience: string): string {
  try {
    return new URL(audience).pathname.replace(/^\/+|\/+$/g, "").toLowerCase();
  } catch {
    return audience.toLowerCase();
  }
}

/** Does a token granting `grants` cover `address`? */
export function covers(grants: Iterable<string>, address: string): boolean {
  const a = address.toLowerCase();
  for (const g of grants) if (g === "" || a === g || a.startsWith(`${g}/`)) return true;
  return false;
}
