/**
 * Entities from code (Gauntlet's QueueSpec/TopicSpec, plus emulator-only settings) or from a
 * JSON file in the official emulator's Config.json shape, validated with zod.
 */
import { SqlFilterSyntaxError, compileSqlFilter } from "./sql-filter.js";
import { readFileSync } from "node:fs";
import { z } from "zod";
import type { QueueSpec, TopicSpec } from "../../core/entities.js";
import { DEFAULTS, type CorrelationFilter, type EntityModel, type ReceivableSettings, type Rule, type RuleFilter } from "./model.js";

/** Settings the emulator understands beyond Gauntlet's QueueSpec. */
export interface EmulatorExtras {
  requiresSession?: boolean;
  defaultMessageTimeToLiveMs?: number;
  deadLetteringOnMessageExpiration?: boolean;
  maxMessageSizeBytes?: number;
}
export type RuleInput = { name: string; correlation?: CorrelationFilter; sql?: string };
export type EmulatorQueueSpec = QueueSpec & EmulatorExtras;
export type EmulatorSubscriptionSpec = Omit<QueueSpec, "kind"> & EmulatorExtras & { rules?: RuleInput[] };
export type EmulatorTopicSpec = Omit<TopicSpec, "subscriptions"> & {
  subscriptions: EmulatorSubscriptionSpec[];
  duplicateDetectionMs?: number;
  defaultMessageTimeToLiveMs?: number;
  maxMessageSizeBytes?: number;
};
export type EmulatorEntitySpec = EmulatorQueueSpec | EmulatorTopicSpec;

export class EmulatorConfigError extends Error {}

function receivable(name: string, s: Omit<QueueSpec, "kind" | "name"> & EmulatorExtras): ReceivableSettings {
  const lockDurationMs = s.lockDurationMs ?? DEFAULTS.lockDurationMs;
  if (!(lockDurationMs >= 1 && lockDurationMs <= DEFAULTS.maxLockDurationMs)) {
    throw new EmulatorConfigError(`${name}: lock duration ${lockDurationMs} ms is outside 1 ms .. 5 min`);
  }
  const maxDeliveryCount = s.maxDeliveryCount ?? DEFAULTS.maxDeliveryCount;
  if (!(Number.isInteger(maxDeliveryCount) && maxDeliveryCount >= 1)) throw new EmulatorConfigError(`${name}: maxDeliveryCount must be an integer >= 1`);
  return {
    lockDurationMs,
    maxDeliveryCount,
    requiresSession: s.requiresSession ?? s.orderedKeys ?? false,
    defaultTtlMs: positive(name, "time to live", s.defaultMessageTimeToLiveMs) ?? DEFAULTS.defaultTtlMs,
    deadLetterOnExpiration: s.deadLetteringOnMessageExpiration ?? false,
  };
}

function positive(name: string, what: string, v: number | undefined): number | undefined {
  if (v !== undefined && !(v > 0)) throw new EmulatorConfigError(`${name}: ${what} must be > 0`);
  return v;
}

function ruleOf(topic: string, r: RuleInput): Rule {
  if (r.correlation) return { name: r.name, filter: { kind: "correlation", filter: r.correlation } };
  if (r.sql !== undefined) return { name: r.name, filter: sqlFilter(`${topic}/${r.name}`, r.sql) };
  return { name: r.name, filter: { kind: "true" } };
}

/** A SQL filter, compiled now: a syntax error is a configuration error naming the rule, never a filter that matches everything. */
export function sqlFilter(where: string, expression: string): RuleFilter {
  const e = expression.trim().toLowerCase().replace(/\s+/g, "");
  if (e === "1=1" || e === "true") return { kind: "true" };
  if (e === "1=0" || e === "false") return { kind: "false" };
  try {
    return { kind: "sql", expression, matches: compileSqlFilter(expression) };
  } catch (err) {
    if (err instanceof SqlFilterSyntaxError) throw new EmulatorConfigError(`${where}: SQL filter "${expression}": ${err.message}`);
    throw err;
  }
}

/** Resolve specs from code into the emulator's model (defaults filled in, values checked). */
export function resolveEntities(specs: readonly EmulatorEntitySpec[]): EntityModel[] {
  const seen = new Set<string>();
  return specs.map((spec): EntityModel => {
    const key = spec.name.toLowerCase();
    if (!spec.name || seen.has(key)) throw new EmulatorConfigError(`entity name "${spec.name}" is empty or declared twice`);
    seen.add(key);
    const maxMessageSizeBytes = positive(spec.name, "max message size", spec.maxMessageSizeBytes) ?? DEFAULTS.maxMessageSizeBytes;
    if (spec.kind === "queue") {
      return {
        kind: "queue",
        name: spec.name,
        settings: { ...receivable(spec.name, spec), duplicateDetectionMs: spec.duplicateDetectionMs ?? 0, maxMessageSizeBytes },
      };
    }
    const topicTtl = positive(spec.name, "time to live", spec.defaultMessageTimeToLiveMs) ?? DEFAULTS.defaultTtlMs;
    return {
      kind: "topic",
      name: spec.name,
      settings: { duplicateDetectionMs: spec.duplicateDetectionMs ?? 0, maxMessageSizeBytes, defaultTtlMs: topicTtl },
      subscriptions: spec.subscriptions.map((s) => ({
        name: s.name,
        settings: receivable(`${spec.name}/${s.name}`, { defaultMessageTimeToLiveMs: spec.defaultMessageTimeToLiveMs, ...s }),
        rules: (s.rules ?? []).map((r) => ruleOf(spec.name, r)),
      })),
    };
  });
}

// ---- Config.json (official emulator shape) ----

const duration = z.string().transform((s, ctx) => {
  const ms = parseIsoDuration(s);
  if (ms === undefined) ctx.addIssue({ code: "custom", message: `"${s}" is not an ISO 8601 duration such as PT5S` });
  return ms ?? 0;
});

const correlationJson = z.object({
  ContentType: z.string().optional(),
  CorrelationId: z.string().optional(),
  Label: z.string().optional(),
  MessageId: z.string().optional(),
  ReplyTo: z.string().optional(),
  ReplyToSessionId: z.string().optional(),
  SessionId: z.string().optional(),
  To: z.string().optional(),
  Properties: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});
const ruleJson = z.object({
  Name: z.string().min(1),
  Properties: z.object({
    FilterType: z.enum(["Correlation", "Sql"]),
    CorrelationFilter: correlationJson.optional(),
    SqlFilter: z.object({ SqlExpression: z.string() }).optional(),
  }),
});
const receivableProps = z.object({
  DeadLetteringOnMessageExpiration: z.boolean().optional(),
  DefaultMessageTimeToLive: duration.optional(),
  DuplicateDetectionHistoryTimeWindow: duration.optional(),
  LockDuration: duration.optional(),
  MaxDeliveryCount: z.number().int().min(1).optional(),
  RequiresDuplicateDetection: z.boolean().optional(),
  RequiresSession: z.boolean().optional(),
  ForwardTo: z.string().optional(),
  ForwardDeadLetteredMessagesTo: z.string().optional(),
});
const configJson = z.object({
  UserConfig: z.object({
    Namespaces: z
      .array(
        z.object({
          Name: z.string(),
          Queues: z.array(z.object({ Name: z.string().min(1), Properties: receivableProps.default({}) })).default([]),
          Topics: z
            .array(
              z.object({
                Name: z.string().min(1),
                Properties: receivableProps.default({}),
                Subscriptions: z.array(z.object({ Name: z.string().min(1), Properties: receivableProps.default({}), Rules: z.array(ruleJson).default([]) })).default([]),
              }),
            )
            .default([]),
        }),
      )
      .min(1),
  }),
});

type ReceivableJson = z.infer<typeof receivableProps>;

function extrasOf(where: string, p: ReceivableJson): Omit<QueueSpec, "kind" | "name"> & EmulatorExtras {
  if (p.ForwardTo || p.ForwardDeadLetteredMessagesTo) throw new EmulatorConfigError(`${where}: ForwardTo / ForwardDeadLetteredMessagesTo are not supported by this emulator`);
  return {
    lockDurationMs: p.LockDuration,
    maxDeliveryCount: p.MaxDeliveryCount,
    requiresSession: p.RequiresSession,
    defaultMessageTimeToLiveMs: p.DefaultMessageTimeToLive,
    deadLetteringOnMessageExpiration: p.DeadLetteringOnMessageExpiration,
    duplicateDetectionMs: p.RequiresDuplicateDetection ? (p.DuplicateDetectionHistoryTimeWindow ?? 20_000) : undefined,
  };
}

/** Parse Config.json text (every namespace's entities; the namespace name itself is not used). */
export function parseConfigJson(text: string, source = "Config.json"): EmulatorEntitySpec[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new EmulatorConfigError(`${source}: not valid JSON (${(err as Error).message})`);
  }
  const parsed = configJson.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new EmulatorConfigError(`${source}: ${issue.path.join(".")}: ${issue.message}`);
  }
  const specs: EmulatorEntitySpec[] = [];
  for (const ns of parsed.data.UserConfig.Namespaces) {
    for (const q of ns.Queues) specs.push({ kind: "queue", name: q.Name, ...extrasOf(q.Name, q.Properties) });
    for (const t of ns.Topics) {
      const topic = extrasOf(t.Name, t.Properties);
      specs.push({
        kind: "topic",
        name: t.Name,
        duplicateDetectionMs: topic.duplicateDetectionMs,
        defaultMessageTimeToLiveMs: topic.defaultMessageTimeToLiveMs,
        subscriptions: t.Subscriptions.map((s) => ({
          name: s.Name,
          ...extrasOf(`${t.Name}/${s.Name}`, s.Properties),
          rules: s.Rules.map((r): RuleInput => {
            if (r.Properties.FilterType === "Sql") return { name: r.Name, sql: r.Properties.SqlFilter?.SqlExpression ?? "1=1" };
            const c = r.Properties.CorrelationFilter ?? {};
            return {
              name: r.Name,
              correlation: {
                contentType: c.ContentType, correlationId: c.CorrelationId, subject: c.Label, messageId: c.MessageId,
                replyTo: c.ReplyTo, replyToSessionId: c.ReplyToSessionId, sessionId: c.SessionId, to: c.To, properties: c.Properties,
              },
            };
          }),
        })),
      });
    }
  }
  return specs;
}

export function loadConfigFile(path: string): EmulatorEntitySpec[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new EmulatorConfigError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseConfigJson(text, path);
}

/** ISO 8601 duration (PnDTnHnMn.nS) in ms; the .NET TimeSpan.MaxValue form becomes Infinity. */
export function parseIsoDuration(s: string): number | undefined {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(s.trim());
  if (!m || s.trim() === "P" || s.trim().endsWith("T")) return undefined;
  const [, d, h, min, sec] = m;
  const ms = ((Number(d ?? 0) * 24 + Number(h ?? 0)) * 60 + Number(min ?? 0)) * 60_000 + Number(sec ?? 0) * 1000;
  return ms >= 10_000 * 24 * 3_600_000 ? Number.POSITIVE_INFINITY : Math.round(ms);
}
