/**
 * The ATOM management endpoint over HTTP(S), as the administration clients call it:
 * `GET|PUT|DELETE /<queue|topic>`, `/<topic>/Subscriptions/<sub>`, `.../Rules/<rule>`, the lists
 * `/$Resources/Queues`, `/$Resources/Topics`, `/<topic>/Subscriptions`, `.../Rules`
 * (`$skip`, `$top`), and `/$namespaceinfo`. Every request needs a SAS token signed with the
 * namespace key in `Authorization` (401 otherwise). `If-Match: *` on a PUT means update.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { checkSasToken } from "../cbs.js";
import type { Namespace } from "../namespace.js";
import { type AdminResult, EntityAdmin } from "./entity-admin.js";
import { BadXml, entryXml, errorXml, feedXml, readEntryContent } from "./xml.js";

const MAX_BODY = 1024 * 1024;
const SUBS = "/subscriptions/";
const RULES = "/rules/";

export interface AtomOptions {
  keyName: string;
  key: string;
  /** Called with the path of a deleted queue, topic or subscription (its links are to be detached). */
  onDeleted?: (path: string) => void;
}

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) reject(new HttpFailure(413, `the request body exceeds ${MAX_BODY} bytes`));
      else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** An HTTP request handler serving the ATOM management API on `ns`. */
export function atomHandler(ns: Namespace, options: AtomOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const admin = new EntityAdmin(ns, options.onDeleted);
  return (req, res) => {
    serve(admin, options, req, res).catch((err: unknown) => {
      const status = err instanceof HttpFailure ? err.status : err instanceof BadXml ? 400 : 500;
      send(res, status, "application/xml; charset=utf-8", errorXml(status, (err as Error).message));
    });
  };
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  if (res.headersSent) return;
  res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body) });
  res.end(body);
}

async function serve(admin: EntityAdmin, options: AtomOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://emulator");
  const auth = req.headers.authorization ?? (req.headers.servicebusauthorization as string | undefined);
  const checked = checkSasToken(auth, options.keyName, options.key);
  if (typeof checked === "string") throw new HttpFailure(401, `InvalidSignature: ${checked}. TrackingId:${crypto.randomUUID()}`);
  const body = req.method === "PUT" ? await readBody(req) : "";
  const path = decodeURIComponent(url.pathname).replace(/^\/+|\/+$/g, "");
  const skip = Number(url.searchParams.get("$skip") ?? 0) || 0;
  const top = Number(url.searchParams.get("$top") ?? 100) || 100;
  const result = route(admin, req.method ?? "GET", path, body, req.headers["if-match"] === "*", skip, top);
  if (process.env.GAUNTLET_EMULATOR_DEBUG) process.stderr.write(`emulator: admin ${req.method} ${url.pathname}${url.search} -> ${result.status}\n`);
  const scheme = (req.socket as { encrypted?: boolean }).encrypted ? "https" : "http";
  const base = `${scheme}://${req.headers.host ?? "localhost"}/`;
  const version = url.searchParams.get("api-version") ?? "2021-05";
  const idOf = (p: string) => `${base}${p}?api-version=${version}`;
  if ("error" in result) return send(res, result.status, "application/xml; charset=utf-8", errorXml(result.status, `${result.error} TrackingId:${crypto.randomUUID()}`));
  if ("empty" in result) {
    if (req.method === "DELETE") return send(res, 200, "application/xml; charset=utf-8", "");
    return send(res, 200, "application/atom+xml;type=feed;charset=utf-8", feedXml(idOf(path), "Publicly Listed Services", []));
  }
  const updated = new Date();
  if ("entry" in result) {
    const e = result.entry;
    return send(res, result.status, "application/atom+xml;type=entry;charset=utf-8", `<?xml version="1.0" encoding="utf-8"?>${entryXml(idOf(e.path), e.title, updated, e.content)}`);
  }
  const next = result.feed.length === top ? `${base}${url.pathname.replace(/^\//, "")}?$skip=${skip + top}&$top=${top}&api-version=${version}` : undefined;
  const entries = result.feed.map((e) => entryXml(idOf(e.path), e.title, updated, e.content));
  send(res, 200, "application/atom+xml;type=feed;charset=utf-8", feedXml(idOf(path), path, entries, next));
}

/** Which operation a method and path name. */
function route(admin: EntityAdmin, method: string, path: string, body: string, ifMatch: boolean, skip: number, top: number): AdminResult {
  const lower = path.toLowerCase();
  if (method === "GET" && lower === "$resources/queues") return admin.listEntities("queue", skip, top);
  if (method === "GET" && lower === "$resources/topics") return admin.listEntities("topic", skip, top);
  if (method === "GET" && lower === "$namespaceinfo") return namespaceInfo();
  if (!path || lower.startsWith("$")) return { status: 404, error: `no management resource at '/${path}'` };
  const rulesAt = lower.lastIndexOf(RULES);
  const subsAt = lower.lastIndexOf(SUBS, rulesAt >= 0 ? rulesAt : undefined);
  if (rulesAt >= 0 && subsAt >= 0) {
    const [topic, sub, rule] = [path.slice(0, subsAt), path.slice(subsAt + SUBS.length, rulesAt), path.slice(rulesAt + RULES.length)];
    if (method === "GET") return admin.getRule(topic, sub, rule);
    if (method === "DELETE") return admin.deleteRule(topic, sub, rule);
    if (method === "PUT") return admin.putRule(topic, sub, rule, readEntryContent(body, "RuleDescription"), ifMatch);
  } else if (lower.endsWith("/rules") && subsAt >= 0) {
    if (method === "GET") return admin.listRules(path.slice(0, subsAt), path.slice(subsAt + SUBS.length, -"/rules".length), skip, top);
  } else if (subsAt >= 0) {
    const [topic, sub] = [path.slice(0, subsAt), path.slice(subsAt + SUBS.length)];
    if (method === "GET") return admin.getSubscription(topic, sub);
    if (method === "DELETE") return admin.deleteSubscription(topic, sub);
    if (method === "PUT") return admin.putSubscription(topic, sub, readEntryContent(body, "SubscriptionDescription"), ifMatch);
  } else if (lower.endsWith("/subscriptions")) {
    if (method === "GET") return admin.listSubscriptions(path.slice(0, -"/subscriptions".length), skip, top);
  } else {
    if (method === "GET") return admin.getEntity(path);
    if (method === "DELETE") return admin.deleteEntity(path);
    if (method === "PUT") {
      const kind = /<(\w+:)?TopicDescription[\s>/]/.test(body) ? "topic" : "queue";
      return admin.putEntity(path, kind, readEntryContent(body, kind === "topic" ? "TopicDescription" : "QueueDescription"), ifMatch);
    }
  }
  return { status: 405, error: `${method} is not supported on '/${path}'` };
}

function namespaceInfo(): AdminResult {
  const now = new Date().toISOString();
  const content = `<NamespaceInfo xmlns="http://schemas.microsoft.com/netservices/2010/10/servicebus/connect" xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><CreatedTime>${now}</CreatedTime><MessagingSKU>Standard</MessagingSKU><ModifiedTime>${now}</ModifiedTime><Name>sbemulatorns</Name><NamespaceType>Messaging</NamespaceType></NamespaceInfo>`;
  return { status: 200, entry: { title: "sbemulatorns", path: "$namespaceinfo", content } };
}
