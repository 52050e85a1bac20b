/**
 * Session locks of one session-enabled queue or subscription: which receiver holds which
 * session id until when, session state, and receivers waiting for any free session.
 */

export interface SessionInfo {
  id: string;
  state: Buffer | null;
  owner?: string;
  lockedUntil: number;
  timer?: NodeJS.Timeout;
  updatedAt: number;
}

interface Waiter {
  owner: string;
  pick: () => string | undefined;
  resolve: (sessionId: string | undefined) => void;
  timer: NodeJS.Timeout;
}

export class SessionTable {
  private readonly sessions = new Map<string, SessionInfo>();
  private readonly waiters: Waiter[] = [];

  constructor(
    private readonly lockDurationMs: () => number,
    /** Called when a lock runs out: the holder's link must be detached with session-lock-lost. */
    private readonly onLockLost: (sessionId: string, owner: string) => void,
  ) {}

  get(id: string): SessionInfo {
    let s = this.sessions.get(id);
    if (!s) this.sessions.set(id, (s = { id, state: null, lockedUntil: 0, updatedAt: Date.now() }));
    return s;
  }

  ownerOf(id: string): string | undefined {
    return this.sessions.get(id)?.owner;
  }

  /** Lock `id` for `owner`; false when another receiver holds it. */
  tryLock(id: string, owner: string): boolean {
    const s = this.get(id);
    if (s.owner !== undefined && s.owner !== owner) return false;
    s.owner = owner;
    this.arm(s);
    return true;
  }

  /** Extend the lock; undefined when `id` is not locked. */
  renew(id: string): number | undefined {
    const s = this.sessions.get(id);
    if (!s || s.owner === undefined) return undefined;
    this.arm(s);
    return s.lockedUntil;
  }

  release(id: string, owner: string): void {
    const s = this.sessions.get(id);
    if (!s || s.owner !== owner) return;
    clearTimeout(s.timer);
    s.owner = undefined;
    s.timer = undefined;
  }

  setState(id: string, state: Buffer | null): void {
    const s = this.get(id);
    s.state = state;
    s.updatedAt = Date.now();
  }

  /** Session ids that have state or messages, for get-message-sessions. */
  ids(withMessages: Iterable<string>): string[] {
    const out = new Set(withMessages);
    for (const s of this.sessions.values()) if (s.state !== null) out.add(s.id);
    return [...out];
  }

  /** Wait up to `ms` for `pick()` to find and lock a free session for `owner` (retried on every `wake()`). */
  waitForFree(owner: string, ms: number, pick: () => string | undefined): Promise<string | undefined> {
    const now = pick();
    if (now !== undefined || ms <= 0) return Promise.resolve(now);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        owner,
        pick,
        resolve: (id) => {
          clearTimeout(waiter.timer);
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          resolve(id);
        },
        timer: setTimeout(() => waiter.resolve(undefined), ms),
      };
      waiter.timer.unref();
      this.waiters.push(waiter);
    });
  }

  /** Something changed (a message arrived, a session was released): hand free sessions to waiters. */
  wake(): void {
    for (const w of [...this.waiters]) {
      const id = w.pick();
      if (id === undefined) return;
      w.resolve(id);
    }
  }

  /** Give up a waiting accept (its link closed). */
  cancelWait(owner: string): void {
    for (const w of [...this.waiters]) if (w.owner === owner) w.resolve(undefined);
  }

  close(): void {
    for (const w of [...this.waiters]) w.resolve(undefined);
    for (const s of this.sessions.values()) clearTimeout(s.timer);
  }

  private arm(s: SessionInfo): void {
    clearTimeout(s.timer);
    const ms = this.lockDurationMs();
    s.lockedUntil = Date.now() + ms;
    s.timer = setTimeout(() => {
      const owner = s.owner;
      s.owner = undefined;
      s.timer = undefined;
      if (owner !== undefined) this.onLockLost(s.id, owner);
    }, ms);
    s.timer.unref();
  }
}
