/**
 * RuleDescription both ways: a subscription rule → XML as the service writes it
 * (`<Filter i:type="SqlFilter|CorrelationFilter|TrueFilter|FalseFilter">`, `<Action i:type="EmptyRuleAction">`),
 * and a RuleDescription a client PUTs → a rule of the emulator's model (SQL compiled now).
 */
import { EmulatorConfigError, sqlFilter } from "../config.js";
import type { CorrelationFilter, Rule } from "../model.js";
import { BadDefinition } from "./descriptions.js";
import { SB_NS, XSI_NS, type XmlNode, child, children, elements, escapeXml, text } from "./xml.js";

const XSD_NS = "http://www.w3.org/2001/XMLSchema";
const CORRELATION_FIELDS: Array<[keyof CorrelationFilter, string]> = [
  ["correlationId", "CorrelationId"], ["messageId", "MessageId"], ["to", "To"], ["replyTo", "ReplyTo"],
  ["subject", "Label"], ["sessionId", "SessionId"], ["replyToSessionId", "ReplyToSessionId"], ["contentType", "ContentType"],
];

/** `xsi:type` of a Filter/Action element, without its prefix. */
const typeOf = (n: XmlNode | undefined) => String(n?.["@type"] ?? "").replace(/^.*:/, "");

function typedValue(v: XmlNode): string | number | boolean {
  const raw = text(v, "#text") ?? "";
  const type = typeOf(v);
  if (type === "boolean") return raw === "true";
  if (["int", "long", "short", "byte", "double", "float", "decimal", "unsignedInt", "unsignedLong"].includes(type)) return Number(raw);
  return raw;
}

function valueXml(v: string | number | boolean): string {
  const type = typeof v === "boolean" ? "boolean" : typeof v === "number" ? (Number.isInteger(v) ? "int" : "double") : "string";
  return `<Value xmlns:d6p1="${XSD_NS}" i:type="d6p1:${type}">${escapeXml(String(v))}</Value>`;
}

/** A rule from a RuleDescription (name from the URL); throws BadDefinition. */
export function ruleOf(where: string, name: string, d: XmlNode): Rule {
  const action = child(d, "Action");
  if (action && typeOf(action) === "SqlRuleAction" && text(action, "SqlExpression")?.trim()) {
    throw new BadDefinition(`${where}: SQL rule actions are not supported by the emulator`);
  }
  const filter = child(d, "Filter");
  const type = typeOf(filter);
  if (!filter || type === "TrueFilter") return { name, filter: { kind: "true" } };
  if (type === "FalseFilter") return { name, filter: { kind: "false" } };
  if (type === "SqlFilter") {
    if (children(child(filter, "Parameters"), "KeyValueOfstringanyType").length) throw new BadDefinition(`${where}: SQL filter parameters are not supported by the emulator`);
    try {
      return { name, filter: sqlFilter(where, text(filter, "SqlExpression") ?? "") };
    } catch (err) {
      if (err instanceof EmulatorConfigError) throw new BadDefinition(err.message);
      throw err;
    }
  }
  if (type !== "CorrelationFilter") throw new BadDefinition(`${where}: unknown filter type "${type}"`);
  const f: CorrelationFilter = {};
  for (const [key, xml] of CORRELATION_FIELDS) {
    const v = text(filter, xml);
    if (v !== undefined) (f as Record<string, string>)[key] = v;
  }
  const props = children(child(filter, "Properties"), "KeyValueOfstringanyType");
  if (props.length) f.properties = Object.fromEntries(props.map((p) => [text(p, "Key") ?? "", typedValue(child(p, "Value") ?? {})]));
  return { name, filter: { kind: "correlation", filter: f } };
}

function filterXml(rule: Rule): string {
  const sql = (type: string, expression: string) => `<Filter i:type="${type}"><SqlExpression>${escapeXml(expression)}</SqlExpression><CompatibilityLevel>20</CompatibilityLevel></Filter>`;
  const f = rule.filter;
  if (f.kind === "true") return sql("TrueFilter", "1=1");
  if (f.kind === "false") return sql("FalseFilter", "1=0");
  if (f.kind === "sql") return sql("SqlFilter", f.expression);
  const props = Object.entries(f.filter.properties ?? {}).map(([k, v]) => `<KeyValueOfstringanyType><Key>${escapeXml(k)}</Key>${valueXml(v)}</KeyValueOfstringanyType>`).join("");
  return `<Filter i:type="CorrelationFilter">${elements(CORRELATION_FIELDS.map(([key, xml]) => [xml, f.filter[key] as string | undefined]))}<Properties>${props}</Properties></Filter>`;
}

export function ruleXml(rule: Rule, createdAt: Date): string {
  return `<RuleDescription xmlns="${SB_NS}" xmlns:i="${XSI_NS}">${filterXml(rule)}<Action i:type="EmptyRuleAction"/>${elements([["CreatedAt", createdAt.toISOString()], ["Name", rule.name]])}</RuleDescription>`;
}
