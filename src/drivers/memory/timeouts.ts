import type { SeededRandom } from "../../brokers/memory/random.js";
import type { VirtualClock } from "../../brokers/memory/virtual-clock.js";

/** How a timed-out call ends, as a client under network faults sees it (memory://?timeouts=RATE). */
export type TimeoutKind = "lost-request" | "lost-reply" | "late-request";

/** What the client is told: the operation's outcome is unknown (recorded as `info`). */
export class SimulatedTimeout extends Error {
  constructor(readonly kind: TimeoutKind) {
    super(`indeterminate: no reply (memory:// timeouts: ${kind})`);
    this.name = "SimulatedTimeout";
  }
}

/** How long after the client gave up a late request still reaches the broker, ms of virtual time. */
const LATE_MS = { min: 1, max: 40 };

/**
 * The memory driver's switch for timed-out operations. With probability `rate` a client call
 * (send, receive, settle, renew) times out in one of three ways, chosen evenly: the request is
 * lost (nothing happens), the reply is lost (it happened), or the request arrives late, after
 * the client gave up (it happens later). Drains and provisioning never time out: like Jepsen's
 * final reads, they run once the faults have healed. Off (rate 0) draws no random numbers, so
 * existing seeds replay unchanged.
 */
export class Timeouts {
  constructor(
    private readonly rate: number,
    private readonly random: SeededRandom,
    private readonly clock: VirtualClock,
  ) {}

  /** Run `apply` at the broker, or time out as described; `hop` is one network hop. */
  async call<T>(apply: () => T, hop: () => Promise<void>): Promise<T> {
    const kind = this.pick();
    await hop();
    if (kind === "lost-request") throw new SimulatedTimeout(kind);
    if (kind === "late-request") {
      this.late(apply);
      throw new SimulatedTimeout(kind);
    }
    const result = apply();
    await hop();
    if (kind === "lost-reply") throw new SimulatedTimeout(kind);
    return result;
  }

  /** Apply `apply` at the broker a little later, after the client gave up (its outcome goes nowhere). */
  late(apply: () => unknown): void {
    const ms = this.random.int(LATE_MS.min * 1000, LATE_MS.max * 1000) / 1000;
    void this.clock.sleep(ms).then(() => {
      try {
        apply();
      } catch {
        // the late request failed at the broker; nobody is listening
      }
    });
  }

  /** Whether this call times out, and how (undefined: it does not). */
  pick(): TimeoutKind | undefined {
    if (this.rate <= 0 || !this.random.chance(this.rate)) return undefined;
    return (["lost-request", "lost-reply", "late-request"] as const)[this.random.int(0, 2)];
  }
}
