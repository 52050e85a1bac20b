/**
 * The ATOM endpoint over raw HTTP (what the SDKs hide): authorization, the service's empty feed for
 * a missing entity, malformed bodies, durations as .NET writes them, and rule XML both ways.
 */
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServiceBusEmulator, startServiceBusEmulator } from "../index.js";
import { ruleOf, ruleXml } from "./rules.js";
import { formatDuration, readEntryContent } from "./xml.js";

function sas(audience: string, key = "SAS_KEY_VALUE"): string {
  const sr = encodeURIComponent(audience);
  const se = Math.floor(Date.now() / 1000) + 3600;
  const sig = encodeURIComponent(createHmac("sha256", key).update(`${sr}\n${se}`).digest("base64"));
  return `SharedAccessSignature sr=${sr}&sig=${sig}&se=${se}&skn=RootManageSharedAccessKey`;
}

describe("the ATOM endpoint over plain HTTP", () => {
  let e: ServiceBusEmulator;
  let base: string;
  beforeAll(async () => {
    e = await startServiceBusEmulator({ entities: [{ kind: "queue", name: "q" }] });
    base = `http://127.0.0.1:${e.port}`;
  });
  afterAll(() => e.stop());
  const call = (path: string, init: RequestInit = {}, key?: string) =>
    fetch(`${base}${path}`, { ...init, headers: { authorization: sas(base, key), ...(init.headers as Record<string, string>) } });

  it("refuses a request without a token, or signed with another key (401)", async () => {
    expect((await fetch(`${base}/q`)).status).toBe(401);
    const r = await call("/q", {}, "other-key");
    expect(r.status).toBe(401);
    expect(await r.text()).toContain("<Code>401</Code>");
  });

  it("answers a GET of a missing entity with the service's empty feed, and of a present one with its description", async () => {
    const missing = await call("/nope?api-version=2021-05");
    expect(missing.status).toBe(200);
    expect(await missing.text()).toMatch(/<feed xmlns="http:\/\/www.w3.org\/2005\/Atom">.*<\/feed>$/);
    const q = await (await call("/Q?api-version=2021-05")).text();
    expect(q).toContain(`<id>${base}/q?api-version=2021-05</id>`);
    expect(q).toContain("<LockDuration>PT1M</LockDuration>");
    expect(q).toContain("<d2p1:ActiveMessageCount>0</d2p1:ActiveMessageCount>");
  });

  it("refuses a body that is not an ATOM entry with a description (400), and an unknown route (404/405)", async () => {
    const put = (body: string) => call("/new-q", { method: "PUT", body });
    expect((await put("<entry><content>")).status).toBe(400);
    expect((await put("<entry><content><Nothing/></content></entry>")).status).toBe(400);
    expect((await call("/$Resources/Whatever")).status).toBe(404);
    expect((await call("/$Resources/Queues", { method: "DELETE" })).status).toBe(404);
    expect((await call("/q/Subscriptions", { method: "PUT", body: "" })).status).toBe(405);
  });
});

describe("ATOM values", () => {
  it("writes durations as .NET's XmlConvert does", () => {
    expect([60_000, 500, 30_000, 90_000, 3_600_000, 14 * 86_400_000, 0, Infinity].map(formatDuration)).toEqual(["PT1M", "PT0.5S", "PT30S", "PT1M30S", "PT1H", "P14D", "PT0S", "P10675199DT2H48M5.4775807S"]);
  });

  it("reads a correlation rule with typed properties and writes it back", () => {
    const xml = `<entry xmlns="http://www.w3.org/2005/Atom"><content type="application/xml"><RuleDescription xmlns="http://schemas.microsoft.com/netservices/2010/10/servicebus/connect" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">
      <Filter i:type="CorrelationFilter"><CorrelationId>c&amp;1</CorrelationId><Label>billing</Label><Properties>
        <KeyValueOfstringanyType><Key>n</Key><Value xmlns:d6p1="http://www.w3.org/2001/XMLSchema" i:type="d6p1:int">3</Value></KeyValueOfstringanyType>
        <KeyValueOfstringanyType><Key>b</Key><Value xmlns:d6p1="http://www.w3.org/2001/XMLSchema" i:type="d6p1:boolean">true</Value></KeyValueOfstringanyType>
      </Properties></Filter><Action i:type="EmptyRuleAction"/></RuleDescription></content></entry>`;
    const rule = ruleOf("t/Subscriptions/s/Rules/r", "r", readEntryContent(xml, "RuleDescription"));
    expect(rule).toEqual({ name: "r", filter: { kind: "correlation", filter: { correlationId: "c&1", subject: "billing", properties: { n: 3, b: true } } } });
    const out = ruleXml(rule, new Date(0));
    expect(out).toContain(`<Filter i:type="CorrelationFilter"><CorrelationId>c&amp;1</CorrelationId><Label>billing</Label>`);
    expect(out).toContain(`<Key>n</Key><Value xmlns:d6p1="http://www.w3.org/2001/XMLSchema" i:type="d6p1:int">3</Value>`);
  });

  it("refuses SQL rule actions and SQL that does not parse", () => {
    const desc = (filter: string, action = `<Action i:type="EmptyRuleAction"/>`) =>
      readEntryContent(`<entry><content><RuleDescription xmlns:i="x">${filter}${action}</RuleDescription></content></entry>`, "RuleDescription");
    expect(() => ruleOf("r", "r", desc(`<Filter i:type="SqlFilter"><SqlExpression>a = = 1</SqlExpression></Filter>`))).toThrow(/SQL filter/);
    expect(() => ruleOf("r", "r", desc(`<Filter i:type="TrueFilter"/>`, `<Action i:type="SqlRuleAction"><SqlExpression>SET a = 1</SqlExpression></Action>`))).toThrow(/rule actions/);
  });
});
