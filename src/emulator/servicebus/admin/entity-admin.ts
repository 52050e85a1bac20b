/**
 * The administration operations on the live namespace: create, get, update, delete and list
 * queues, topics, subscriptions and rules. Each answers what the service answers: 201 on
 * create, 200 on update/get/delete, 409 when the entity exists, 404 when it (or its parent) does
 * not, 400 for a bad definition; a GET of a missing entity is an empty feed, as on the service.
 */
import { EmulatorConfigError, resolveEntities, type EmulatorEntitySpec } from "../config.js";
import type { EntityModel, Rule, SubscriptionModel } from "../model.js";
import type { Namespace } from "../namespace.js";
import { BadDefinition, type Echoed, type RuntimeInfo, echoedOf, queueSpecOf, queueXml, subscriptionSpecOf, subscriptionXml, topicSpecOf, topicXml } from "./descriptions.js";
import { ruleOf, ruleXml } from "./rules.js";
import { type XmlNode, child, text } from "./xml.js";

/** One answer: a status and either one description (an entry) or a list of them (a feed); `error` for failures. */
export type AdminResult =
  | { status: number; entry: { title: string; path: string; content: string } }
  | { status: number; feed: Array<{ title: string; path: string; content: string }> }
  | { status: number; error: string }
  | { status: 200; empty: true };

interface Meta {
  echoed: Echoed;
  createdAt: Date;
  updatedAt: Date;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._\-/~$]*$/;
/** Rule names may start with '$' ($Default can be made again); at most 50 characters. */
const RULE_NAME = /^[^/\\?#]{1,50}$/;
const conflict = (path: string): AdminResult => ({ status: 409, error: `The messaging entity '${path}' already exists.` });
const notFound = (path: string): AdminResult => ({ status: 404, error: `The messaging entity '${path}' could not be found.` });
const bad = (detail: string): AdminResult => ({ status: 400, error: detail });

export class EntityAdmin {
  private readonly meta = new Map<string, Meta>();
  private readonly started = new Date();

  constructor(
    private readonly ns: Namespace,
    private readonly onDeleted: (path: string) => void = () => {},
  ) {}

  private metaOf(path: string): Meta {
    const key = path.toLowerCase();
    let m = this.meta.get(key);
    if (!m) this.meta.set(key, (m = { echoed: {}, createdAt: this.started, updatedAt: this.started }));
    return m;
  }

  private touch(path: string, echoed: Echoed, created: boolean): void {
    const now = new Date();
    const m = created ? { echoed, createdAt: now, updatedAt: now } : { ...this.metaOf(path), echoed: { ...this.metaOf(path).echoed, ...echoed }, updatedAt: now };
    this.meta.set(path.toLowerCase(), m);
  }

  private runtime(path: string | undefined, meta: Meta): RuntimeInfo {
    const r: RuntimeInfo = { active: 0, deadLetter: 0, scheduled: 0, sizeInBytes: 0, createdAt: meta.createdAt, updatedAt: meta.updatedAt };
    const q = path ? this.ns.queueAt(path) : undefined;
    for (const m of q?.messages.values() ?? []) {
      if (m.state === "scheduled") r.scheduled += 1;
      else r.active += 1;
    }
    r.deadLetter = q?.deadLetterQueue?.messages.size ?? 0;
    return r;
  }

  private entityEntry(e: EntityModel) {
    const meta = this.metaOf(e.name);
    const content = e.kind === "queue" ? queueXml(e, meta.echoed, this.runtime(e.name, meta)) : topicXml(e, meta.echoed, this.runtime(undefined, meta));
    return { title: e.name, path: e.name, content };
  }

  private subscriptionEntry(topic: string, s: SubscriptionModel) {
    const path = `${topic}/Subscriptions/${s.name}`;
    const meta = this.metaOf(path);
    return { title: s.name, path, content: subscriptionXml(s, meta.echoed, this.runtime(path, meta)) };
  }

  private ruleEntry(subPath: string, r: Rule) {
    const path = `${subPath}/Rules/${r.name}`;
    return { title: r.name, path, content: ruleXml(r, this.metaOf(path).createdAt) };
  }

  listEntities(kind: "queue" | "topic", skip: number, top: number): AdminResult {
    return { status: 200, feed: this.ns.entities.filter((e) => e.kind === kind).slice(skip, skip + top).map((e) => this.entityEntry(e)) };
  }

  getEntity(name: string): AdminResult {
    const e = this.ns.entity(name);
    return e ? { status: 200, entry: this.entityEntry(e) } : { status: 200, empty: true };
  }

  /** PUT of a QueueDescription or TopicDescription; `update` = the request had `If-Match: *`. */
  putEntity(name: string, kind: "queue" | "topic", d: XmlNode, update: boolean): AdminResult {
    if (!NAME.test(name) || name.length > 260) return bad(`'${name}' is not a valid entity name: letters, digits, '.', '-', '_' and '/', at most 260 characters`);
    const existing = this.ns.entity(name);
    if (!update && existing) return conflict(existing.name);
    if (update && !existing) return notFound(name);
    try {
      const spec: EmulatorEntitySpec = kind === "queue" ? queueSpecOf(existing?.name ?? name, d) : topicSpecOf(existing?.name ?? name, d);
      const model = resolveEntities([spec])[0]!;
      if (!existing) {
        this.ns.addEntity(model);
        this.touch(model.name, echoedOf(d), true);
        return { status: 201, entry: this.entityEntry(model) };
      }
      if (existing.kind !== model.kind) return bad(`'${existing.name}' is a ${existing.kind}, not a ${model.kind}`);
      if (existing.kind === "queue" && model.kind === "queue" && existing.settings.requiresSession !== model.settings.requiresSession) {
        return bad(`The value for the RequiresSession property of an existing queue '${existing.name}' cannot be changed.`);
      }
      Object.assign(existing.settings, model.settings);
      if (existing.kind === "queue") this.syncDeadLetterLock(existing.name);
      this.touch(existing.name, echoedOf(d), false);
      return { status: 200, entry: this.entityEntry(existing) };
    } catch (err) {
      if (err instanceof BadDefinition || err instanceof EmulatorConfigError) return bad(err.message);
      throw err;
    }
  }

  /** The dead-letter sub-queue keeps its own copy of the settings; its lock follows the entity's. */
  private syncDeadLetterLock(path: string): void {
    const q = this.ns.queueAt(path);
    if (q?.deadLetterQueue) q.deadLetterQueue.settings.lockDurationMs = q.settings.lockDurationMs;
  }

  deleteEntity(name: string): AdminResult {
    const e = this.ns.entity(name);
    if (!e || !this.ns.removeEntity(name)) return notFound(name);
    for (const key of [...this.meta.keys()]) if (key === e.name.toLowerCase() || key.startsWith(`${e.name.toLowerCase()}/`)) this.meta.delete(key);
    this.onDeleted(e.name);
    return { status: 200, empty: true };
  }

  private topic(name: string) {
    const t = this.ns.entity(name);
    return t?.kind === "topic" ? t : undefined;
  }

  listSubscriptions(topic: string, skip: number, top: number): AdminResult {
    const t = this.topic(topic);
    if (!t) return { status: 200, feed: [] };
    return { status: 200, feed: t.subscriptions.slice(skip, skip + top).map((s) => this.subscriptionEntry(t.name, s)) };
  }

  getSubscription(topic: string, name: string): AdminResult {
    const t = this.topic(topic);
    const s = t?.subscriptions.find((x) => x.name.toLowerCase() === name.toLowerCase());
    return t && s ? { status: 200, entry: this.subscriptionEntry(t.name, s) } : { status: 200, empty: true };
  }

  putSubscription(topic: string, name: string, d: XmlNode, update: boolean): AdminResult {
    const t = this.topic(topic);
    if (!t) return notFound(topic);
    if (!NAME.test(name) || name.includes("/") || name.length > 50) return bad(`'${name}' is not a valid subscription name: letters, digits, '.', '-' and '_', at most 50 characters`);
    const existing = t.subscriptions.find((x) => x.name.toLowerCase() === name.toLowerCase());
    const path = `${t.name}/Subscriptions/${existing?.name ?? name}`;
    if (!update && existing) return conflict(path);
    if (update && !existing) return notFound(path);
    try {
      const spec = subscriptionSpecOf(path, existing?.name ?? name, d);
      const ttl = Number.isFinite(t.settings.defaultTtlMs) ? t.settings.defaultTtlMs : undefined;
      const resolved = resolveEntities([{ kind: "topic", name: t.name, subscriptions: [spec], defaultMessageTimeToLiveMs: ttl }])[0] as Extract<EntityModel, { kind: "topic" }>;
      const model = resolved.subscriptions[0]!;
      if (!existing) {
        const rule = child(d, "DefaultRuleDescription");
        if (rule) model.rules = [ruleOf(`${path}/Rules`, text(rule, "Name") ?? "$Default", rule)];
        this.ns.addSubscription(t.name, model);
        this.touch(path, echoedOf(d), true);
        return { status: 201, entry: this.subscriptionEntry(t.name, model) };
      }
      if (existing.settings.requiresSession !== model.settings.requiresSession) return bad(`The value for the RequiresSession property of an existing subscription '${path}' cannot be changed.`);
      Object.assign(existing.settings, model.settings);
      this.syncDeadLetterLock(path);
      this.touch(path, echoedOf(d), false);
      return { status: 200, entry: this.subscriptionEntry(t.name, existing) };
    } catch (err) {
      if (err instanceof BadDefinition || err instanceof EmulatorConfigError) return bad(err.message);
      throw err;
    }
  }

  deleteSubscription(topic: string, name: string): AdminResult {
    const path = `${topic}/Subscriptions/${name}`;
    if (!this.ns.removeSubscription(topic, name)) return notFound(path);
    this.meta.delete(path.toLowerCase());
    this.onDeleted(path);
    return { status: 200, empty: true };
  }

  private subscriptionPath(topic: string, sub: string): string | undefined {
    const t = this.topic(topic);
    const s = t?.subscriptions.find((x) => x.name.toLowerCase() === sub.toLowerCase());
    return t && s ? `${t.name}/Subscriptions/${s.name}` : undefined;
  }

  listRules(topic: string, sub: string, skip: number, top: number): AdminResult {
    const path = this.subscriptionPath(topic, sub);
    const rules = path ? (this.ns.rulesAt(path) ?? []) : [];
    return { status: 200, feed: rules.slice(skip, skip + top).map((r) => this.ruleEntry(path!, r)) };
  }

  getRule(topic: string, sub: string, name: string): AdminResult {
    const path = this.subscriptionPath(topic, sub);
    const rule = path ? this.ns.rulesAt(path)?.find((r) => r.name.toLowerCase() === name.toLowerCase()) : undefined;
    return rule ? { status: 200, entry: this.ruleEntry(path!, rule) } : { status: 200, empty: true };
  }

  putRule(topic: string, sub: string, name: string, d: XmlNode, update: boolean): AdminResult {
    const path = this.subscriptionPath(topic, sub);
    const rules = path ? this.ns.rulesAt(path) : undefined;
    if (!path || !rules) return notFound(`${topic}/Subscriptions/${sub}`);
    if (!RULE_NAME.test(name)) return bad(`'${name}' is not a valid rule name: 1 to 50 characters, no '/', '\\', '?' or '#'`);
    const index = rules.findIndex((r) => r.name.toLowerCase() === name.toLowerCase());
    if (!update && index >= 0) return conflict(`${path}/Rules/${rules[index]!.name}`);
    if (update && index < 0) return notFound(`${path}/Rules/${name}`);
    try {
      const rule = ruleOf(`${path}/Rules/${name}`, index >= 0 ? rules[index]!.name : name, d);
      if (index >= 0) rules[index] = rule;
      else rules.push(rule);
      this.touch(`${path}/Rules/${rule.name}`, {}, index < 0);
      return { status: index < 0 ? 201 : 200, entry: this.ruleEntry(path, rule) };
    } catch (err) {
      if (err instanceof BadDefinition) return bad(err.message);
      throw err;
    }
  }

  deleteRule(topic: string, sub: string, name: string): AdminResult {
    const path = this.subscriptionPath(topic, sub);
    const rules = path ? this.ns.rulesAt(path) : undefined;
    const index = rules?.findIndex((r) => r.name.toLowerCase() === name.toLowerCase()) ?? -1;
    if (!rules || index < 0) return notFound(`${topic}/Subscriptions/${sub}/Rules/${name}`);
    rules.splice(index, 1);
    return { status: 200, empty: true };
  }
}
