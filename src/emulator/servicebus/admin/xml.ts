/**
 * ATOM XML as the Service Bus management endpoint speaks it: reading an `<entry>` a client PUTs,
 * writing `<entry>`, `<feed>` and `<Error>` documents, ISO 8601 durations as .NET writes them.
 */
import { XMLParser } from "fast-xml-parser";

export const ATOM_NS = "http://www.w3.org/2005/Atom";
export const SB_NS = "http://schemas.microsoft.com/netservices/2010/10/servicebus/connect";
export const XSI_NS = "http://www.w3.org/2001/XMLSchema-instance";
/** Namespace of CountDetails' children (`d2p1:ActiveMessageCount`). */
export const SB_2011_NS = "http://schemas.microsoft.com/netservices/2011/06/servicebus";

/** A parsed element: text as `#text`, attributes as `@name` (namespace prefixes removed), children by local name. */
export type XmlNode = { [key: string]: XmlValue };
export type XmlValue = string | XmlNode | XmlValue[];

export class BadXml extends Error {}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: true, // numeric character references (Go escapes a quote as &#39;)
});

/** The description element inside `<entry><content>` (e.g. QueueDescription); throws BadXml. */
export function readEntryContent(body: string, expected: string): XmlNode {
  let doc: XmlNode;
  try {
    doc = parser.parse(body, true) as XmlNode;
  } catch (err) {
    throw new BadXml(`the request body is not well-formed XML: ${(err as Error).message}`);
  }
  const entry = doc.entry as XmlNode | undefined;
  const content = entry && typeof entry === "object" ? (entry.content as XmlNode | undefined) : undefined;
  const description = content && typeof content === "object" ? content[expected] : undefined;
  if (description === undefined) throw new BadXml(`the request body must be an ATOM <entry> whose <content> holds a <${expected}>`);
  return typeof description === "object" && !Array.isArray(description) ? description : {};
}

/** Text of a child element, or undefined when absent or empty. */
export function text(node: XmlNode | undefined, name: string): string | undefined {
  const v = node?.[name];
  if (v === undefined) return undefined;
  if (typeof v === "string") return v === "" ? undefined : v;
  if (Array.isArray(v)) return undefined;
  const t = v["#text"];
  return typeof t === "string" && t !== "" ? t : undefined;
}

export function child(node: XmlNode | undefined, name: string): XmlNode | undefined {
  const v = node?.[name];
  return v && typeof v === "object" && !Array.isArray(v) ? v : undefined;
}

export function children(node: XmlNode | undefined, name: string): XmlNode[] {
  const v = node?.[name];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map((x) => (typeof x === "object" && !Array.isArray(x) ? x : { "#text": x as string }));
}

export function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** `<Name>value</Name>` for each defined value, in order. */
export function elements(fields: Array<[string, string | number | boolean | undefined]>): string {
  return fields.map(([k, v]) => (v === undefined ? "" : `<${k}>${escapeXml(String(v))}</${k}>`)).join("");
}

/** .NET's TimeSpan.MaxValue, which the service writes for "never". */
export const MAX_DURATION = "P10675199DT2H48M5.4775807S";

/** Milliseconds as an ISO 8601 duration the way XmlConvert writes a TimeSpan (PT1M, PT0.5S, P14D). */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return MAX_DURATION;
  const days = Math.floor(ms / 86_400_000);
  let rest = ms - days * 86_400_000;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  const s = (rest - m * 60_000) / 1000;
  const time = `${h ? `${h}H` : ""}${m ? `${m}M` : ""}${s ? `${s}S` : ""}`;
  if (!days && !time) return "PT0S";
  return `P${days ? `${days}D` : ""}${time ? `T${time}` : ""}`;
}

/** One `<entry>`: `id` is the entity's URL (the SDKs take the entity name from its path). */
export function entryXml(id: string, title: string, updated: Date, content: string): string {
  return `<entry xmlns="${ATOM_NS}"><id>${escapeXml(id)}</id><title type="text">${escapeXml(title)}</title><published>${updated.toISOString()}</published><updated>${updated.toISOString()}</updated><author><name>gauntlet-emulator</name></author><link rel="self" href="${escapeXml(id)}"/><content type="application/xml">${content}</content></entry>`;
}

/** A `<feed>`; with no entries it is what the service answers for a GET of an entity that does not exist. */
export function feedXml(id: string, title: string, entries: string[], next?: string): string {
  const link = next ? `<link rel="next" href="${escapeXml(next)}"/>` : "";
  return `<?xml version="1.0" encoding="utf-8"?><feed xmlns="${ATOM_NS}"><title type="text">${escapeXml(title)}</title><id>${escapeXml(id)}</id><updated>${new Date().toISOString()}</updated>${link}${entries.join("")}</feed>`;
}

export function errorXml(status: number, detail: string): string {
  return `<?xml version="1.0" encoding="utf-8"?><Error><Code>${status}</Code><Detail>${escapeXml(detail)}</Detail></Error>`;
}
