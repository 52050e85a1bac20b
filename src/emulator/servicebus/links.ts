/**
 * Wrappers over rhea links that hide its server-side quirks (docs/servicebus-emulator.md):
 * - `sender.credit` drops only when rhea writes the transfer, so credit is tracked as
 *   available = credit − (issued − delivery_count);
 * - a drain is answered with set_drained once everything sendable is queued;
 * - dispositions are answered settled, echoing the outcome without its error.
 */
import type { Delivery, Sender } from "rhea";
import { type Link, outcomes, senderState } from "./amqp.js";
import type { Consumer } from "./entity-store.js";
import { lockTokenToDeliveryTag } from "./lock-token.js";

export type Outcome = "accepted" | "rejected" | "modified" | "released";

/** A receiver of the client = a sender here, fed by one queue. */
export class OutgoingLink implements Consumer {
  private issued = 0;
  private readonly tokens = new WeakMap<Delivery, string>();

  constructor(
    readonly sender: Sender,
    readonly id: string,
    readonly receiveAndDelete: boolean,
    readonly sessionId: string | undefined,
    private readonly starved: () => boolean,
  ) {}

  available(): number {
    if (!this.sender.is_open() || this.starved()) return 0;
    const s = senderState(this.sender);
    const pending = this.issued - s.delivery_count;
    const sessionRoom = (this.sender.session as unknown as { outgoing: { available(): number } }).outgoing.available();
    return Math.min(s.credit - pending, sessionRoom - pending);
  }

  deliver(bytes: Buffer, lockToken: string | undefined): void {
    this.issued += 1;
    // A format argument makes rhea send the bytes as they are (already encoded with stamps).
    const tag = lockToken ? lockTokenToDeliveryTag(lockToken) : Buffer.from(String(this.issued));
    const d = this.sender.send(bytes as never, tag, 0);
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
  return (t as { address?: string } | undefined)?.address ?? undefined;
}
