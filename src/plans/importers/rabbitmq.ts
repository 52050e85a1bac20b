import type { PlanInput } from "../schema.js";

type Json = Record<string, unknown>;
type NotHonoured = NonNullable<PlanInput["notHonoured"]>[number];

/** Queue arguments a plan models. */
const ARGUMENTS = new Set(["x-delivery-limit", "x-dead-letter-exchange", "x-dead-letter-routing-key", "x-single-active-consumer", "x-max-length", "x-overflow", "x-message-ttl"]);
/** Policy definition keys → the queue argument they stand for. */
const POLICY_KEYS: Record<string, string> = { "delivery-limit": "x-delivery-limit", "dead-letter-exchange": "x-dead-letter-exchange", "dead-letter-routing-key": "x-dead-letter-routing-key", "max-length": "x-max-length", overflow: "x-overflow", "message-ttl": "x-message-ttl" };

const obj = (x: unknown): Json => (typeof x === "object" && x !== null && !Array.isArray(x) ? (x as Json) : {});
const arr = (x: unknown): Json[] => (Array.isArray(x) ? x.map(obj) : []);

function queueSettings(q: Json, policies: Json[], path: string, out: NotHonoured[]): Json {
  const args: Json = {};
  for (const [k, v] of Object.entries(obj(q.arguments))) {
    if (k === "x-queue-type") continue;
    if (ARGUMENTS.has(k)) args[k] = v;
    else out.push({ path: `${path}.arguments["${k}"]`, setting: `${k}: ${JSON.stringify(v)}`, reason: "Gauntlet does not model this queue argument" });
  }
  // The highest-priority policy matching the queue fills in what its own arguments leave unset.
  const policy = policies.filter((p) => ["queues", "all", "quorum_queues", "classic_queues", undefined].includes(p["apply-to"] as string | undefined) && new RegExp(String(p.pattern ?? "^$")).test(String(q.name))).sort((a, b) => Number(b.priority ?? 0) - Number(a.priority ?? 0))[0];
  for (const [k, v] of Object.entries(obj(policy?.definition))) {
    const arg = POLICY_KEYS[k];
    if (arg && args[arg] === undefined) args[arg] = v;
    else if (!arg) out.push({ path: `$.policies[name=${String(policy!.name)}].definition.${k}`, setting: `${k}: ${JSON.stringify(v)} (on ${String(q.name)})`, reason: "Gauntlet does not model this policy key" });
  }
  if (q.auto_delete === true) out.push({ path: `${path}.auto_delete`, setting: "auto_delete: true", reason: "Gauntlet's queues live for one scenario; auto-delete is not exercised" });
  const type = obj(q.arguments)["x-queue-type"] ?? "classic";
  return { type, ...(typeof q.durable === "boolean" ? { durable: q.durable } : {}), arguments: args };
}

/**
 * A plan from the RabbitMQ management plugin's definitions.json: queues with their type and
 * arguments (policies applied), fanout exchanges with their bound queues as topics. Dead-letter
 * exchanges and their queues are where Gauntlet reads dead-letters from (a private route);
 * other exchange types and unknown arguments are listed in `notHonoured`.
 */
export function importRabbitMqDefinitions(defs: unknown, file: string): PlanInput {
  const d = obj(defs);
  const notHonoured: NotHonoured[] = [];
  const queues = arr(d.queues);
  const exchanges = arr(d.exchanges);
  const bindings = arr(d.bindings).filter((b) => b.destination_type === "queue");
  const policies = arr(d.policies);
  const dlx = new Set(queues.map((q) => obj(q.arguments)["x-dead-letter-exchange"]).filter((x): x is string => typeof x === "string" && x !== ""));
  const bound = new Map<string, string[]>();
  for (const b of bindings) bound.set(String(b.source), [...(bound.get(String(b.source)) ?? []), String(b.destination)]);
  const dlqQueues = new Set([...dlx].flatMap((x) => bound.get(x) ?? []));
  const fanouts = exchanges.filter((x) => x.type === "fanout" && !dlx.has(String(x.name)) && (bound.get(String(x.name)) ?? []).length > 0);
  const inTopic = new Set(fanouts.flatMap((x) => bound.get(String(x.name)) ?? []));
  const entities: Json[] = [];
  queues.forEach((q, i) => {
    const name = String(q.name);
    if (dlqQueues.has(name)) notHonoured.push({ path: `$.queues[${i}]`, setting: `queue ${name} (bound to dead-letter exchange)`, reason: "dead-letters are routed to a private queue Gauntlet reads, not to this one" });
    else if (!inTopic.has(name)) entities.push({ kind: "queue", name, settings: queueSettings(q, policies, `$.queues[${i}]`, notHonoured) });
  });
  for (const x of fanouts) {
    const subs = (bound.get(String(x.name)) ?? []).map((qn) => {
      const i = queues.findIndex((q) => q.name === qn);
      return { name: qn, settings: i >= 0 ? queueSettings(queues[i]!, policies, `$.queues[${i}]`, notHonoured) : { type: "classic", arguments: {} } };
    });
    entities.push({ kind: "topic", name: x.name, settings: { type: "fanout", ...(typeof x.durable === "boolean" ? { durable: x.durable } : {}) }, subscriptions: subs });
  }
  exchanges.forEach((x, i) => {
    if (fanouts.includes(x)) return;
    if (dlx.has(String(x.name))) notHonoured.push({ path: `$.exchanges[${i}]`, setting: `exchange ${String(x.name)} (dead-letter exchange)`, reason: "dead-letters are routed to a private queue Gauntlet reads; the queues' x-dead-letter-exchange is kept in the plan" });
    else notHonoured.push({ path: `$.exchanges[${i}]`, setting: `${String(x.type)} exchange ${String(x.name)}`, reason: "routing by key or header is not modelled: its queues are tested through the default exchange" });
  });
  return { gauntlet: "plan", version: 1, name: `imported from ${file}`, family: "rabbitmq", entities, ...(notHonoured.length ? { notHonoured } : {}) } as PlanInput;
}
