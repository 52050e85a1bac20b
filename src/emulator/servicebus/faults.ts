/**
 * Fault hooks: make the emulator misbehave on purpose, the way a real namespace sometimes
 * does, so that client code can be tested against it through the unmodified SDK.
 */
import type { EntityQueue } from "./entity-store.js";

export type LinkRole = "receiver" | "sender";

/** What the server exposes to the hooks. */
export interface FaultTarget {
  queues(): EntityQueue[];
  detachLinks(match: { entity?: string; role?: LinkRole }, condition: string, description: string): number;
  dropConnections(): number;
  /** Re-grant sender credit after starvation ends. */
  restoreCredit(): void;
}

/** Mutable fault switches the server consults on each operation. */
export class FaultState {
  serverBusy = 0;
  creditStarved = false;
  disposition: { mode: "delay"; ms: number; remaining: number } | { mode: "drop"; remaining: number } | undefined;

  /** Take one disposition fault, if any is armed. */
  nextDispositionFault(): { mode: "delay"; ms: number } | { mode: "drop" } | undefined {
    const f = this.disposition;
    if (!f || f.remaining <= 0) return undefined;
    f.remaining -= 1;
    return f.mode === "delay" ? { mode: "delay", ms: f.ms } : { mode: "drop" };
  }

  /** Take one server-busy answer, if armed. */
  takeServerBusy(): boolean {
    if (this.serverBusy <= 0) return false;
    this.serverBusy -= 1;
    return true;
  }
}

export interface EntitySnapshot {
  path: string;
  active: number;
  locked: number;
  deferred: number;
  scheduled: number;
}

export class Faults {
  constructor(
    private readonly state: FaultState,
    private readonly target: FaultTarget,
  ) {}

  /** Expire locks now (all, or those matching): settling with them then fails with MessageLockLost. Returns how many. */
  loseLocks(match: { entity?: string; messageId?: string; sequenceNumber?: number } = {}): number {
    let n = 0;
    for (const q of this.target.queues()) {
      if (match.entity !== undefined && q.path.toLowerCase() !== match.entity.toLowerCase()) continue;
      for (const m of q.lockedMessages()) {
        if (match.messageId !== undefined && String(m.amqp.message_id) !== match.messageId) continue;
        if (match.sequenceNumber !== undefined && m.seq !== match.sequenceNumber) continue;
        q.loseLock(m);
        n += 1;
      }
    }
    return n;
  }

  /** Apply the next `count` link dispositions but answer each only after `ms`. */
  delayDispositions(ms: number, count = Number.POSITIVE_INFINITY): void {
    this.state.disposition = { mode: "delay", ms, remaining: count };
  }

  /** Apply the next `count` link dispositions but never answer them (the SDK call times out). */
  dropDispositions(count = Number.POSITIVE_INFINITY): void {
    this.state.disposition = { mode: "drop", remaining: count };
  }

  /** Force-detach links (all, or by entity path / role); the SDK re-attaches. Returns how many. */
  detachLinks(match: { entity?: string; role?: LinkRole } = {}, condition = "amqp:link:detach-forced"): number {
    return this.target.detachLinks(match, condition, "Link detached by an emulator fault hook");
  }

  /** Destroy every client socket without a close handshake. Returns how many. */
  dropConnections(): number {
    return this.target.dropConnections();
  }

  /** Refuse the next `count` sends with com.microsoft:server-busy. */
  serverBusy(count = 1): void {
    this.state.serverBusy = count;
  }

  /** Stop granting credit: client sends stall and client receivers get nothing. */
  starveCredit(on = true): void {
    this.state.creditStarved = on;
    if (!on) this.target.restoreCredit();
  }

  /** What armed hooks have not used yet: server-busy answers, disposition faults (a window's end reads how many fired). */
  pending(): { serverBusy: number; dispositions: number } {
    return { serverBusy: this.state.serverBusy, dispositions: Math.max(0, this.state.disposition?.remaining ?? 0) };
  }

  /** Disarm every hook. */
  reset(): void {
    this.state.serverBusy = 0;
    this.state.disposition = undefined;
    this.starveCredit(false);
  }

  /** Message counts per receivable entity (main queues and dead-letter queues). */
  snapshot(): EntitySnapshot[] {
    return this.target.queues().map((q) => {
      const s: EntitySnapshot = { path: q.path, active: 0, locked: 0, deferred: 0, scheduled: 0 };
      for (const m of q.messages.values()) {
        if (m.lock) s.locked += 1;
        else if (m.state === "active") s.active += 1;
        else s[m.state] += 1;
      }
      return s;
    });
  }
}
