import { NS_PER_MS } from "../core/clock.js";
import { type EntitySpec, copiesOf, settingsOf } from "../core/entities.js";
import type { HistoryView } from "../history/views.js";

/** Memoizing lookups of entity settings and topic copies (the setup's lists are scanned once per name). */
export class EntityInfo {
  private readonly copies = new Map<string, string[]>();
  private readonly max = new Map<string, number | undefined>();
  private readonly ordered = new Map<string, boolean>();
  private readonly lockNs = new Map<string, number | undefined>();

  private readonly entities: readonly EntitySpec[];
  private readonly claimedMax: Readonly<Record<string, number>>;
  private lastEntity: string | undefined;
  private lastMax: number | undefined;

  constructor(view: HistoryView) {
    this.entities = view.setup.entities ?? [];
    this.claimedMax = view.setup.claims?.deadLetterAfter ?? {};
  }

  /** Receivable addresses of a send target. */
  copiesOf(target: string): string[] {
    let c = this.copies.get(target);
    if (!c) this.copies.set(target, (c = copiesOf(target, this.entities)));
    return c;
  }

  /** MaxDeliveryCount of an address (a plan's claimed dead-letter-after N first), if set (the last answer is kept: callers ask per delivery). */
  maxDeliveryCount(entity: string): number | undefined {
    if (entity === this.lastEntity) return this.lastMax;
    if (!this.max.has(entity)) this.max.set(entity, Object.hasOwn(this.claimedMax, entity) ? this.claimedMax[entity] : settingsOf(entity, this.entities)?.maxDeliveryCount);
    this.lastEntity = entity;
    return (this.lastMax = this.max.get(entity));
  }

  /** Whether the address keeps per-key order (sessions). */
  orderedKeys(entity: string): boolean {
    let o = this.ordered.get(entity);
    if (o === undefined) this.ordered.set(entity, (o = settingsOf(entity, this.entities)?.orderedKeys === true));
    return o;
  }

  /** Lock duration of an address in ns, if declared. */
  lockDurationNs(entity: string): number | undefined {
    if (!this.lockNs.has(entity)) {
      const ms = settingsOf(entity, this.entities)?.lockDurationMs;
      this.lockNs.set(entity, ms === undefined ? undefined : ms * NS_PER_MS);
    }
    return this.lockNs.get(entity);
  }
}

