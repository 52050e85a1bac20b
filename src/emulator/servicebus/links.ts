/**
 * Wrappers over rhea links that hide its server-side quirks (docs/servicebus-emulator.md):
 * - `sender.credit` drops only when rhea writes the transfer, so credit is tracked as
 *   available = credit − (deliveries handed to rhea but not yet written). The unwritten ones are
 *   counted from the session's send cursor, not from `delivery_count`: answering a drain
 *   advances `delivery_count` by the unused credit without a transfer, and a count inferred from
 *   it would then offer phantom credit — a receive-and-delete message handed out on it sat in
 *   rhea's buffer, already deleted, and was lost when the link closed;
 * - a drain is answered with set_drained once everything sendable is queued, and answered even
 *   when the credit is already spent (rhea echoes drain=true only while credit is left; the SDK
 *   drains while the last credited message is in flight, then waited 200 ms and closed the link);
 * - dispositions are answered settled, echoing the outcome without its error.
 */
import { randomBytes } from "node:crypto";
import type { Delivery, Sender } from "rhea";
import { normalizeAddress } from "./address.js";
import { type Link, outcomes, senderState } from "./amqp.js";
import type { Consumer } from "./entity-store.js";
import { lockTokenToDeliveryTag } from "./lock-token.js";

/** The parts of rhea's session Outgoing (lib/session.js) the credit count reads. */
interface OutgoingState {
  available(): number;
  next_pending_delivery: number;
}

export type Outcome = "accepted" | "rejected" | "modified" | "released";

/** A receiver of the client = a sender here, fed by one queue. */
export class OutgoingLink implements Consumer {
  private issued = 0;
  /** Session delivery ids of this link's deliveries rhea has not written yet, oldest first. */
  private readonly unwritten: number[] = [];
  private readonly tokens = new WeakMap<Delivery, string>();

  constructor(
    readonly sender: Sender,
    readonly id: string,
    readonly receiveAndDelete: boolean,
    readonly sessionId: string | undefined,
    private readonly starved: () => boolean,
  ) {
    answerEveryDrain(sender);
  }

  available(): number {
    if (!this.sender.is_open() || this.starved()) return 0;
    const pending = this.pending();
    return Math.min(senderState(this.sender).credit - pending, this.outgoing().available() - pending);
  }

  private outgoing() {
    return (this.sender.session as unknown as { outgoing: OutgoingState }).outgoing;
  }

  /** rhea writes a session's deliveries in id order; those below its cursor are on the wire. */
  private pending(): number {
    const cursor = this.outgoing().next_pending_delivery;
    while (this.unwritten.length > 0 && this.unwritten[0]! < cursor) this.unwritten.shift();
    return this.unwritten.length;
  }

  deliver(bytes: Buffer, lockToken: string | undefined): void {
    this.issued += 1;
    // A format argument makes rhea send the bytes as they are (already encoded with stamps).
    // Pre-settled deliveries get a GUID-sized tag too: the Go SDK logs any other length as a bad lock token.
    const tag = lockToken ? lockTokenToDeliveryTag(lockToken) : randomBytes(16);
    const d = this.sender.send(bytes as never, tag, 0);
    this.unwritten.push((d as unknown as { id: number }).id);
    if (lockToken) this.tokens.set(d, lockToken);
  }

  lockTokenOf(d: Delivery): string | undefined {
    return this.tokens.get(d);
  }

  /** After delivering what credit allowed: a pending drain gives back the unused credit. */
  answerDrain(): void {
    if (senderState(this.sender)._draining) this.sender.set_drained(true);
  }
}

/**
 * Replace rhea's Sender._get_drain (lib/link.js), called when the link writes a flow: a drain
 * request is answered with drain=true whether or not credit is left (AMQP 1.0 §2.6.7: the sender
 * spends the credit, then reports it), and exactly once — the answer consumes the request, so
 * later flows of this link cannot carry a stale drain that would zero the client's new credit.
 */
function answerEveryDrain(sender: Sender): void {
  const s = sender as unknown as { _draining: boolean; _drained: boolean; credit: number; delivery_count: number; _get_drain(): boolean };
  s._get_drain = () => {
    if (!(s._draining && s._drained)) return false;
    s.delivery_count += s.credit;
    s.credit = 0;
    s._draining = false;
    return true;
  };
}

/** Settle a client disposition: echo the outcome (never its error, which the SDK would treat as failure). */
export function answerDisposition(d: Delivery, outcome: Outcome | { lockLost: string }): void {
  const state = typeof outcome === "object" ? outcomes.rejected({ condition: "com.microsoft:message-lock-lost", description: outcome.lockLost }) : outcomes[outcome]();
  d.update(true, state);
  // The client never settles a delivery it saw settled; without this rhea keeps it in its
  // 2048-entry session buffer forever and the link stalls.
  (d as unknown as { remote_settled: boolean }).remote_settled = true;
}

/**
 * rhea opens a link as soon as the peer attaches. To answer later (waiting for a free
 * session), take that open back; `link.open()` then sends the attach.
 */
export function deferAttach(link: Link): void {
  const state = (link as unknown as { state: { local_open: boolean; open_requests: number } }).state;
  state.local_open = false;
  state.open_requests = Math.max(0, state.open_requests - 1);
}

/** Refuse an attach: answer with a null terminus, then detach with the error. */
export function refuseAttach(link: Link, condition: string, description: string): void {
  const attach = (link as unknown as { local: { attach: { source?: unknown; target?: unknown } } }).local.attach;
  if (link.is_sender()) attach.source = undefined;
  else attach.target = undefined;
  link.open();
  link.close({ condition, description });
}

export function remoteAddress(link: Link): string | undefined {
  const t = link.is_sender() ? link.source : link.target;
  const address = (t as { address?: string } | undefined)?.address ?? undefined;
  return address === undefined ? undefined : normalizeAddress(address);
}

const SOURCE_FIELDS = ["address", "durable", "expiry_policy", "timeout", "dynamic", "dynamic_node_properties", "distribution_mode", "filter", "default_outcome", "outcomes", "capabilities"];

/**
 * The set fields of a terminus rhea decoded, as a plain object for `set_source`/`set_target`.
 * Passing rhea's terminus object itself copies its raw field list, so a Target came back with a
 * Source's 11 fields (go-amqp: "invalid field count 11 for 0x29").
 */
export function termFields(t: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!t || typeof t !== "object") return out;
  for (const k of SOURCE_FIELDS) {
    const v = (t as Record<string, unknown>)[k];
    if (v !== undefined && v !== null) out[k] = v;
  }
  return out;
}
