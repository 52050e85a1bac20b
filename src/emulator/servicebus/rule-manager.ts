/**
 * The rule manager on `<topic>/Subscriptions/<name>/$management`: add-rule, remove-rule and
 * enumerate-rules, as the SDKs' rule managers send them (azure-sdk-for-js managementClient.ts
 * addRule/removeRule/getRules). A new subscription has the `$Default` rule (TrueFilter); a
 * subscription without any rule receives nothing, as on the service.
 */
import { type Message, types } from "./amqp.js";
import { type ManagementReply, fail, ok } from "./management-reply.js";
import type { CorrelationFilter, Rule } from "./model.js";
import { sqlFilter } from "./config.js";

type Body = Record<string, unknown>;

/** Descriptor codes of the rule description lists (Microsoft's AMQP request/response docs; core-amqp's descriptorCodes). */
const CODE = {
  ruleDescription: 0x0000013700000004,
  sqlFilter: 0x0000001370000006,
  trueFilter: 0x0000001370000007,
  falseFilter: 0x0000001370000008,
  correlationFilter: 0x0000001370000009,
  emptyAction: 0x0000013700000005,
  sqlAction: 0x0000013700000006,
} as const;
const COMPATIBILITY_LEVEL = 20;

export const RULE_OPERATIONS = ["com.microsoft:add-rule", "com.microsoft:remove-rule", "com.microsoft:enumerate-rules"];

const described = (code: number, items: unknown[]) => types.wrap_described(types.wrap_list(items), code);
const str = (v: unknown) => (v === undefined || v === null ? null : types.wrap_string(String(v)));

function correlationOf(raw: Body): CorrelationFilter {
  const pick = (k: string) => (raw[k] === undefined || raw[k] === null ? undefined : String(raw[k]));
  const f: CorrelationFilter = {};
  const fields: Array<[keyof CorrelationFilter, string]> = [
    ["correlationId", "correlation-id"],
    ["messageId", "message-id"],
    ["to", "to"],
    ["replyTo", "reply-to"],
    ["subject", "label"],
    ["sessionId", "session-id"],
    ["replyToSessionId", "reply-to-session-id"],
    ["contentType", "content-type"],
  ];
  for (const [key, wire] of fields) {
    const v = pick(wire);
    if (v !== undefined) (f as Record<string, unknown>)[key] = v;
  }
  const props = raw.properties as Record<string, string | number | boolean> | undefined;
  if (props && typeof props === "object") f.properties = { ...props };
  return f;
}

function describe(rule: Rule): unknown {
  const filter =
    rule.filter.kind === "true"
      ? described(CODE.trueFilter, [types.wrap_string("1=1"), types.wrap_int(COMPATIBILITY_LEVEL)])
      : rule.filter.kind === "false"
        ? described(CODE.falseFilter, [types.wrap_string("1=0"), types.wrap_int(COMPATIBILITY_LEVEL)])
        : rule.filter.kind === "sql"
          ? described(CODE.sqlFilter, [types.wrap_string(rule.filter.expression), types.wrap_int(COMPATIBILITY_LEVEL)])
          : described(CODE.correlationFilter, [
              str(rule.filter.filter.correlationId),
              str(rule.filter.filter.messageId),
              str(rule.filter.filter.to),
              str(rule.filter.filter.replyTo),
              str(rule.filter.filter.subject),
              str(rule.filter.filter.sessionId),
              str(rule.filter.filter.replyToSessionId),
              str(rule.filter.filter.contentType),
              types.wrap_map(rule.filter.filter.properties ?? {}),
            ]);
  return types.wrap_map({ "rule-description": described(CODE.ruleDescription, [filter, described(CODE.emptyAction, []), types.wrap_string(rule.name), types.wrap_timestamp(new Date(0))]) });
}

/** One rule-manager operation on a subscription's live rule list (mutated in place). */
export function handleRuleOperation(rules: Rule[], subscription: string, op: string, req: Message): ManagementReply {
  const body = (req.body ?? {}) as Body;
  const name = String(body["rule-name"] ?? "");
  const index = rules.findIndex((r) => r.name.toLowerCase() === name.toLowerCase());
  switch (op) {
    case "com.microsoft:add-rule": {
      if (!name) return fail(400, "com.microsoft:argument-error", "rule-name is required");
      if (index >= 0) return fail(409, "com.microsoft:entity-already-exists", `The messaging entity '${subscription}/Rules/${name}' already exists.`);
      const description = (body["rule-description"] ?? {}) as Body;
      // An empty action (Java's EmptyRuleAction) is sent as nothing or an empty expression.
      const action = description["sql-rule-action"] as Body | null | undefined;
      if (action && String(action.expression ?? "").trim()) return fail(400, "com.microsoft:argument-error", `rule ${name}: SQL rule actions are not supported by the emulator`);
      const sql = description["sql-filter"] as Body | undefined;
      const correlation = description["correlation-filter"] as Body | undefined;
      if (sql) {
        try {
          rules.push({ name, filter: sqlFilter(`${subscription}/${name}`, String(sql.expression ?? "")) });
        } catch (err) {
          return fail(400, "com.microsoft:argument-error", (err as Error).message);
        }
      } else if (correlation) rules.push({ name, filter: { kind: "correlation", filter: correlationOf(correlation) } });
      else return fail(400, "com.microsoft:argument-error", `rule ${name}: a sql-filter or a correlation-filter is required`);
      return ok();
    }
    case "com.microsoft:remove-rule":
      if (index < 0) return fail(404, "amqp:not-found", `The messaging entity '${subscription}/Rules/${name}' could not be found.`);
      rules.splice(index, 1);
      return ok();
    default: {
      const skip = Number(body.skip ?? 0);
      const top = Number(body.top ?? rules.length);
      const page = rules.slice(skip, skip + top);
      if (!page.length) return { status: 204, description: "No Content" };
      return ok({ rules: page.map(describe) });
    }
  }
}
