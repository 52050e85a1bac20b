/** Subscription rules: which subscriptions of a topic a message reaches. */
import type { Message } from "rhea";
import type { CorrelationFilter, Rule } from "./model.js";

const SYSTEM_FIELDS: Array<[keyof CorrelationFilter, keyof Message]> = [
  ["correlationId", "correlation_id"],
  ["messageId", "message_id"],
  ["to", "to"],
  ["replyTo", "reply_to"],
  ["subject", "subject"],
  ["sessionId", "group_id"],
  ["replyToSessionId", "reply_to_group_id"],
  ["contentType", "content_type"],
];

export function correlationMatches(f: CorrelationFilter, m: Message): boolean {
  for (const [field, amqpField] of SYSTEM_FIELDS) {
    const want = f[field];
    if (want !== undefined && want !== "" && String(m[amqpField] ?? "") !== want) return false;
  }
  const props = (m.application_properties ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(f.properties ?? {})) {
    if (props[k] !== v) return false;
  }
  return true;
}

/** No rules behaves as the default rule ($Default, TrueFilter). */
export function subscriptionAccepts(rules: readonly Rule[], m: Message): boolean {
  if (!rules.length) return true;
  return rules.some((r) => ruleMatches(r, m));
}

export function ruleMatches(r: Rule, m: Message): boolean {
  switch (r.filter.kind) {
    case "true":
      return true;
    case "false":
      return false;
    case "correlation":
      return correlationMatches(r.filter.filter, m);
    case "sql":
      return r.filter.matches(m);
  }
}
