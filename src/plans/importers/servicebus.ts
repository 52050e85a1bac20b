import type { PlanInput } from "../schema.js";

type Json = Record<string, unknown>;
type NotHonoured = NonNullable<PlanInput["notHonoured"]>[number];

/** Config.json property → plan setting (camelCase, the same value). */
const RECEIVABLE: Record<string, string> = {
  LockDuration: "lockDuration",
  MaxDeliveryCount: "maxDeliveryCount",
  RequiresSession: "requiresSession",
  DefaultMessageTimeToLive: "defaultMessageTimeToLive",
  DeadLetteringOnMessageExpiration: "deadLetteringOnMessageExpiration",
};
const DUPLICATES: Record<string, string> = { RequiresDuplicateDetection: "requiresDuplicateDetection", DuplicateDetectionHistoryTimeWindow: "duplicateDetectionHistoryTimeWindow" };
const TOPIC: Record<string, string> = { ...DUPLICATES, DefaultMessageTimeToLive: "defaultMessageTimeToLive" };
const CORRELATION: Record<string, string> = { CorrelationId: "correlationId", MessageId: "messageId", To: "to", ReplyTo: "replyTo", Label: "subject", SessionId: "sessionId", ReplyToSessionId: "replyToSessionId", ContentType: "contentType", Properties: "properties" };

const obj = (x: unknown): Json => (typeof x === "object" && x !== null && !Array.isArray(x) ? (x as Json) : {});
const arr = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);

/** Map known properties; name every other non-empty one as not honoured. */
function settings(props: unknown, known: Record<string, string>, path: string, out: NotHonoured[]): Json {
  const s: Json = {};
  for (const [k, v] of Object.entries(obj(props))) {
    if (known[k]) s[known[k]] = v;
    else if (v !== "" && v !== null && v !== undefined) out.push({ path: `${path}.${k}`, setting: `${k}: ${JSON.stringify(v)}`, reason: k.startsWith("Forward") ? "auto-forwarding is not modelled: forwarded messages would look lost" : "Gauntlet does not model this setting" });
  }
  return s;
}

function rules(raw: unknown, path: string, out: NotHonoured[]): Json[] {
  const kept: Json[] = [];
  arr(raw).forEach((r, i) => {
    const rule = obj(r);
    const props = obj(rule.Properties);
    const where = `${path}[${i}]`;
    if (props.Action !== undefined) out.push({ path: `${where}.Properties.Action`, setting: JSON.stringify(props.Action), reason: "rule actions are not modelled" });
    if (props.FilterType === "Sql") {
      const sql = String(obj(props.SqlFilter).SqlExpression ?? "1=1");
      if (["1=1", "1=0", "true", "false"].includes(sql.replace(/\s+/g, "").toLowerCase())) kept.push({ name: rule.Name, sql });
      else out.push({ path: `${where}.Properties.SqlFilter.SqlExpression`, setting: sql, reason: "only constant SQL filters (1=1, 1=0) are evaluated by servicebus-emulator://; the rule is left out, so this subscription receives every message" });
      return;
    }
    const correlation: Json = {};
    for (const [k, v] of Object.entries(obj(props.CorrelationFilter))) {
      if (CORRELATION[k]) correlation[CORRELATION[k]] = v;
      else out.push({ path: `${where}.Properties.CorrelationFilter.${k}`, setting: JSON.stringify(v), reason: "unknown correlation filter field" });
    }
    kept.push({ name: rule.Name, correlation });
  });
  return kept;
}

/**
 * A plan from the official Service Bus emulator's Config.json: every queue, topic and
 * subscription of every namespace with its properties and filters. Properties Gauntlet cannot
 * honour (auto-forwarding, SQL expressions, unknown ones) are listed in `notHonoured`.
 */
export function importServiceBusConfig(config: unknown, file: string): PlanInput {
  const notHonoured: NotHonoured[] = [];
  const entities: Json[] = [];
  arr(obj(obj(config).UserConfig).Namespaces).forEach((ns, n) => {
    const base = `$.UserConfig.Namespaces[${n}]`;
    arr(obj(ns).Queues).forEach((q, i) => {
      const queue = obj(q);
      entities.push({ kind: "queue", name: queue.Name, settings: settings(queue.Properties, { ...RECEIVABLE, ...DUPLICATES }, `${base}.Queues[${i}].Properties`, notHonoured) });
    });
    arr(obj(ns).Topics).forEach((t, i) => {
      const topic = obj(t);
      const where = `${base}.Topics[${i}]`;
      entities.push({
        kind: "topic",
        name: topic.Name,
        settings: settings(topic.Properties, TOPIC, `${where}.Properties`, notHonoured),
        subscriptions: arr(topic.Subscriptions).map((s, j) => {
          const sub = obj(s);
          const r = rules(sub.Rules, `${where}.Subscriptions[${j}].Rules`, notHonoured);
          return { name: sub.Name, settings: settings(sub.Properties, RECEIVABLE, `${where}.Subscriptions[${j}].Properties`, notHonoured), ...(r.length ? { rules: r } : {}) };
        }),
      });
    });
  });
  return { gauntlet: "plan", version: 1, name: `imported from ${file}`, family: "servicebus", broker: "servicebus-emulator://", entities, ...(notHonoured.length ? { notHonoured } : {}) } as PlanInput;
}
