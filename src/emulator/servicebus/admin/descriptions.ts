/**
 * The service's entity descriptions (QueueDescription, TopicDescription, SubscriptionDescription)
 * both ways: the emulator's model → XML as the service writes it (element order of the
 * service's data contracts), and a description a client PUTs → the specs Config.json also
 * resolves to, so an entity created at run time is the same model as one declared up front.
 */
import { parseIsoDuration, type EmulatorEntitySpec, type EmulatorSubscriptionSpec } from "../config.js";
import type { QueueModel, SubscriptionModel, TopicModel } from "../model.js";
import { SB_2011_NS, SB_NS, XSI_NS, type XmlNode, elements, formatDuration, text } from "./xml.js";

/** What the emulator does not model but the service echoes back (MaxSizeInMegabytes, Status, UserMetadata, ...). */
export type Echoed = Record<string, string>;

/** Counts and times shown with a description. */
export interface RuntimeInfo {
  active: number;
  deadLetter: number;
  scheduled: number;
  sizeInBytes: number;
  createdAt: Date;
  updatedAt: Date;
}

export class BadDefinition extends Error {}

const ECHOED = ["MaxSizeInMegabytes", "EnableBatchedOperations", "AutoDeleteOnIdle", "Status", "UserMetadata", "SupportOrdering", "DeadLetteringOnFilterEvaluationExceptions", "EnableExpress", "FilteringMessagesBeforePublishing"];
const DEFAULTS: Echoed = { MaxSizeInMegabytes: "1024", EnableBatchedOperations: "true", AutoDeleteOnIdle: "P10675199DT2H48M5.4775807S", Status: "Active", SupportOrdering: "true", DeadLetteringOnFilterEvaluationExceptions: "true", EnableExpress: "false", FilteringMessagesBeforePublishing: "false" };

export function echoedOf(d: XmlNode): Echoed {
  const out: Echoed = {};
  for (const k of ECHOED) {
    const v = text(d, k);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

const echo = (e: Echoed, k: string) => e[k] ?? DEFAULTS[k];
const bool = (v: string | undefined, where: string): boolean | undefined => {
  if (v === undefined) return undefined;
  if (v === "true" || v === "false") return v === "true";
  throw new BadDefinition(`${where}: "${v}" is not a boolean`);
};
const int = (v: string | undefined, where: string): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new BadDefinition(`${where}: "${v}" is not an integer`);
  return n;
};
const duration = (v: string | undefined, where: string): number | undefined => {
  if (v === undefined) return undefined;
  const ms = parseIsoDuration(v);
  if (ms === undefined) throw new BadDefinition(`${where}: "${v}" is not an ISO 8601 duration such as PT1M`);
  return ms;
};

/** Settings shared by queues and subscriptions, read from a description; refuses what the emulator cannot honour. */
function receivableSpec(d: XmlNode, where: string) {
  for (const k of ["ForwardTo", "ForwardDeadLetteredMessagesTo"]) {
    if (text(d, k)) throw new BadDefinition(`${where}: ${k} is not supported by the emulator (no auto-forwarding)`);
  }
  const ttl = duration(text(d, "DefaultMessageTimeToLive"), `${where}: DefaultMessageTimeToLive`);
  return {
    lockDurationMs: duration(text(d, "LockDuration"), `${where}: LockDuration`),
    maxDeliveryCount: int(text(d, "MaxDeliveryCount"), `${where}: MaxDeliveryCount`),
    requiresSession: bool(text(d, "RequiresSession"), `${where}: RequiresSession`),
    defaultMessageTimeToLiveMs: ttl === Number.POSITIVE_INFINITY ? undefined : ttl,
    deadLetteringOnMessageExpiration: bool(text(d, "DeadLetteringOnMessageExpiration"), `${where}: DeadLetteringOnMessageExpiration`),
  };
}

function sendableSpec(d: XmlNode, where: string) {
  if (bool(text(d, "EnablePartitioning"), `${where}: EnablePartitioning`)) throw new BadDefinition(`${where}: partitioned entities are not supported by the emulator`);
  const dedup = bool(text(d, "RequiresDuplicateDetection"), `${where}: RequiresDuplicateDetection`);
  const window = duration(text(d, "DuplicateDetectionHistoryTimeWindow"), `${where}: DuplicateDetectionHistoryTimeWindow`);
  const kb = int(text(d, "MaxMessageSizeInKilobytes"), `${where}: MaxMessageSizeInKilobytes`);
  // Without a window: 20 s, the official emulator's default (as for Config.json).
  return { duplicateDetectionMs: dedup ? (window ?? 20_000) : undefined, maxMessageSizeBytes: kb === undefined ? undefined : kb * 1024 };
}

export function queueSpecOf(name: string, d: XmlNode): EmulatorEntitySpec {
  return { kind: "queue", name, ...receivableSpec(d, name), ...sendableSpec(d, name) };
}

export function topicSpecOf(name: string, d: XmlNode): EmulatorEntitySpec {
  const ttl = duration(text(d, "DefaultMessageTimeToLive"), `${name}: DefaultMessageTimeToLive`);
  return { kind: "topic", name, subscriptions: [], defaultMessageTimeToLiveMs: ttl === Number.POSITIVE_INFINITY ? undefined : ttl, ...sendableSpec(d, name) };
}

export function subscriptionSpecOf(where: string, name: string, d: XmlNode): EmulatorSubscriptionSpec {
  return { name, ...receivableSpec(d, where) };
}

const ms = (v: number) => formatDuration(v);
const times = (r: RuntimeInfo) => elements([["CreatedAt", r.createdAt.toISOString()], ["UpdatedAt", r.updatedAt.toISOString()], ["AccessedAt", r.updatedAt.toISOString()]]);
const counts = (r: RuntimeInfo) =>
  `<CountDetails xmlns:d2p1="${SB_2011_NS}"><d2p1:ActiveMessageCount>${r.active}</d2p1:ActiveMessageCount><d2p1:DeadLetterMessageCount>${r.deadLetter}</d2p1:DeadLetterMessageCount><d2p1:ScheduledMessageCount>${r.scheduled}</d2p1:ScheduledMessageCount><d2p1:TransferMessageCount>0</d2p1:TransferMessageCount><d2p1:TransferDeadLetterMessageCount>0</d2p1:TransferDeadLetterMessageCount></CountDetails>`;
const root = (name: string, body: string) => `<${name} xmlns="${SB_NS}" xmlns:i="${XSI_NS}">${body}</${name}>`;
/** Off: the service shows its default window, PT10M. */
const dedupWindow = (v: number) => ms(v || 600_000);

export function queueXml(q: QueueModel, e: Echoed, r: RuntimeInfo): string {
  const s = q.settings;
  return root(
    "QueueDescription",
    elements([
      ["LockDuration", ms(s.lockDurationMs)], ["MaxSizeInMegabytes", echo(e, "MaxSizeInMegabytes")], ["RequiresDuplicateDetection", s.duplicateDetectionMs > 0],
      ["RequiresSession", s.requiresSession], ["DefaultMessageTimeToLive", ms(s.defaultTtlMs)], ["DeadLetteringOnMessageExpiration", s.deadLetterOnExpiration],
      ["DuplicateDetectionHistoryTimeWindow", dedupWindow(s.duplicateDetectionMs)], ["MaxDeliveryCount", s.maxDeliveryCount], ["EnableBatchedOperations", echo(e, "EnableBatchedOperations")],
      ["SizeInBytes", r.sizeInBytes], ["MessageCount", r.active + r.deadLetter + r.scheduled], ["IsAnonymousAccessible", false],
    ]) + `<AuthorizationRules/>` + elements([["Status", echo(e, "Status")]]) + times(r) + elements([["SupportOrdering", echo(e, "SupportOrdering")]]) + counts(r) +
      elements([["AutoDeleteOnIdle", echo(e, "AutoDeleteOnIdle")], ["EnablePartitioning", false], ["EntityAvailabilityStatus", "Available"], ["EnableExpress", echo(e, "EnableExpress")], ["UserMetadata", e.UserMetadata], ["MaxMessageSizeInKilobytes", Math.round(s.maxMessageSizeBytes / 1024)]]),
  );
}

export function topicXml(t: TopicModel, e: Echoed, r: RuntimeInfo): string {
  const s = t.settings;
  return root(
    "TopicDescription",
    elements([
      ["DefaultMessageTimeToLive", ms(s.defaultTtlMs)], ["MaxSizeInMegabytes", echo(e, "MaxSizeInMegabytes")], ["RequiresDuplicateDetection", s.duplicateDetectionMs > 0],
      ["DuplicateDetectionHistoryTimeWindow", dedupWindow(s.duplicateDetectionMs)], ["EnableBatchedOperations", echo(e, "EnableBatchedOperations")], ["SizeInBytes", r.sizeInBytes],
      ["FilteringMessagesBeforePublishing", echo(e, "FilteringMessagesBeforePublishing")], ["IsAnonymousAccessible", false],
    ]) + `<AuthorizationRules/>` + elements([["Status", echo(e, "Status")]]) + times(r) + elements([["SupportOrdering", echo(e, "SupportOrdering")]]) + counts(r) +
      elements([["SubscriptionCount", t.subscriptions.length], ["AutoDeleteOnIdle", echo(e, "AutoDeleteOnIdle")], ["EnablePartitioning", false], ["IsExpress", false], ["EntityAvailabilityStatus", "Available"], ["EnableSubscriptionPartitioning", false], ["EnableExpress", echo(e, "EnableExpress")], ["UserMetadata", e.UserMetadata], ["MaxMessageSizeInKilobytes", Math.round(s.maxMessageSizeBytes / 1024)]]),
  );
}

export function subscriptionXml(sub: SubscriptionModel, e: Echoed, r: RuntimeInfo): string {
  const s = sub.settings;
  return root(
    "SubscriptionDescription",
    elements([
      ["LockDuration", ms(s.lockDurationMs)], ["RequiresSession", s.requiresSession], ["DefaultMessageTimeToLive", ms(s.defaultTtlMs)],
      ["DeadLetteringOnMessageExpiration", s.deadLetterOnExpiration], ["DeadLetteringOnFilterEvaluationExceptions", echo(e, "DeadLetteringOnFilterEvaluationExceptions")],
      ["MessageCount", r.active + r.deadLetter + r.scheduled], ["MaxDeliveryCount", s.maxDeliveryCount], ["EnableBatchedOperations", echo(e, "EnableBatchedOperations")], ["Status", echo(e, "Status")],
    ]) + times(r) + counts(r) + elements([["UserMetadata", e.UserMetadata], ["AutoDeleteOnIdle", echo(e, "AutoDeleteOnIdle")], ["EntityAvailabilityStatus", "Available"]]),
  );
}
