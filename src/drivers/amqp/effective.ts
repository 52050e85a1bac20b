/**
 * What RabbitMQ applies to a queue, from what its management API reports: the queue's type and
 * stored arguments, and the policies (and operator policies) of its vhost. The API echoes the
 * arguments as declared, so what the broker did not keep is derived here by RabbitMQ's own rules
 * (3.10: rabbit_quorum_queue / rabbit_amqqueue_process):
 * - a numeric limit set both as an argument and by the matching policy or operator policy is the
 *   smaller of them (max-length, max-length-bytes, delivery-limit, message-ttl);
 * - a quorum queue takes `x-overflow: reject-publish-dlx` and applies drop-head (it only logs a
 *   warning).
 * Other policy keys are reported (`policy`) but not merged: their precedence differs by queue type.
 */

/** A queue as GET /api/queues/{vhost}/{name} reports it. */
export interface QueueView {
  type: string;
  durable: boolean;
  arguments: Record<string, unknown>;
}

/** A policy as GET /api/policies/{vhost} (or /api/operator-policies/{vhost}) reports it. */
export interface PolicyView {
  name: string;
  pattern: string;
  "apply-to": string;
  priority: number;
  definition: Record<string, unknown>;
}

/** Queue arguments whose effective value is the smallest of argument, policy and operator policy. */
const MIN_OF: Record<string, string> = {
  "x-max-length": "max-length",
  "x-max-length-bytes": "max-length-bytes",
  "x-delivery-limit": "delivery-limit",
  "x-message-ttl": "message-ttl",
};

/** Which queues a policy's apply-to covers (3.12+ adds per-type values). */
const appliesTo = (applyTo: string, type: string) => applyTo === "queues" || applyTo === "all" || applyTo === `${type}_queues`;

/**
 * The policy RabbitMQ applies to a queue: the highest-priority one whose pattern matches its name
 * (the pattern is RabbitMQ's PCRE, run here as a JavaScript RegExp: the same for ordinary patterns).
 */
export function matchingPolicy(queue: string, policies: readonly PolicyView[], type = "classic"): PolicyView | undefined {
  const matches = policies.filter((p) => appliesTo(p["apply-to"], type) && safeTest(p.pattern, queue));
  return matches.sort((a, b) => b.priority - a.priority)[0];
}

function safeTest(pattern: string, name: string): boolean {
  try {
    return new RegExp(pattern).test(name);
  } catch {
    return false;
  }
}

/** The settings a queue really has, with the policies that changed them named. */
export interface EffectiveQueue {
  type: string;
  durable: boolean;
  arguments: Record<string, unknown>;
  /** The policy in force and its definition, when one matches. */
  policy?: { name: string; definition: Record<string, unknown> };
  operatorPolicy?: { name: string; definition: Record<string, unknown> };
  /** Why an argument's effective value differs from the stored one, by argument. */
  changedBy?: Record<string, string>;
}

/** The effective settings of queue `name` (see the file comment for the rules). */
export function effectiveQueue(name: string, q: QueueView, policies: readonly PolicyView[], operatorPolicies: readonly PolicyView[]): EffectiveQueue {
  const policy = matchingPolicy(name, policies, q.type);
  const operator = matchingPolicy(name, operatorPolicies, q.type);
  const args: Record<string, unknown> = { ...q.arguments };
  const changedBy: Record<string, string> = {};
  for (const [arg, key] of Object.entries(MIN_OF)) {
    for (const [p, kind] of [[policy, "policy"], [operator, "operator policy"]] as const) {
      const v = p?.definition[key];
      if (typeof v !== "number") continue;
      const current = args[arg];
      if (typeof current !== "number" || v < current) {
        if (typeof current === "number") changedBy[arg] = `${kind} "${p!.name}" sets ${key} ${v}`;
        args[arg] = v;
      }
    }
  }
  if (q.type === "quorum" && args["x-overflow"] === "reject-publish-dlx") {
    args["x-overflow"] = "drop-head";
    changedBy["x-overflow"] = "quorum queues do not support reject-publish-dlx: RabbitMQ applies drop-head (and logs a warning)";
  }
  return {
    type: q.type,
    durable: q.durable,
    arguments: args,
    ...(policy ? { policy: { name: policy.name, definition: policy.definition } } : {}),
    ...(operator ? { operatorPolicy: { name: operator.name, definition: operator.definition } } : {}),
    ...(Object.keys(changedBy).length ? { changedBy } : {}),
  };
}
