/**
 * Session and link caps of one connection. Counts are kept exact in O(1) by wrapping the
 * points where rhea adds (on_begin, on_attach) and removes (remove_session, remove_link)
 * them on this connection's own objects. Over a cap the new session or link is refused with
 * amqp:resource-limit-exceeded; a peer that ignores refusals is cut off a little further on.
 *
 * rhea 3.0.5 never learns a link's remote handle (link.js reads `frame.handle`, which is
 * undefined), so remove_link leaves the detached link in `session.remote.handles` forever;
 * here the handle is remembered at attach and its entry removed with the link.
 */
import type { EmulatorLimits } from "./limits.js";
import type { RheaConnection, RheaFrame, RheaLink, RheaSession } from "./rhea-internals.js";

/** Refusals a peer may ignore (in-flight attaches of a client racing the error) before the connection is closed. */
function cutOff(max: number): number {
  return max + Math.max(16, Math.ceil(max / 10));
}

export interface CapsEvents {
  /** Close the connection with this error. */
  fail(condition: string, description: string): void;
  /** While rhea handles an attach: the refusal it must get (undefined = admit). */
  refuseLinks(description: string | undefined): void;
}

export class EndpointCaps {
  private sessions = 0;
  private links = 0;
  private readonly linksIn = new Map<RheaSession, number>();
  private readonly handleOf = new WeakMap<RheaLink, number>();

  constructor(
    private readonly c: RheaConnection,
    private readonly limits: EmulatorLimits,
    private readonly events: CapsEvents,
  ) {}

  install(): void {
    const c = this.c;
    const onBegin = c.on_begin.bind(c);
    c.on_begin = (frame: RheaFrame) => this.begin(frame, onBegin);
    const onAttach = c.on_attach.bind(c);
    c.on_attach = (frame: RheaFrame) => this.attach(frame, onAttach);
    const removeSession = c.remove_session.bind(c);
    c.remove_session = (session: RheaSession) => {
      const links = this.linksIn.get(session);
      if (links !== undefined) {
        this.linksIn.delete(session);
        this.sessions -= 1;
        this.links -= links;
      }
      removeSession(session);
    };
  }

  private begin(frame: RheaFrame, onBegin: (f: RheaFrame) => void): void {
    const max = this.limits.maxSessionsPerConnection;
    const description = `A connection cannot have more than ${max} sessions.`;
    if (this.sessions + 1 > cutOff(max)) return this.events.fail("amqp:resource-limit-exceeded", description);
    onBegin(frame);
    const session = this.c.remote_channel_map[frame.channel];
    if (!session || this.linksIn.has(session)) return;
    this.linksIn.set(session, 0);
    this.sessions += 1;
    this.watchLinks(session);
    if (this.sessions > max) session.end({ condition: "amqp:resource-limit-exceeded", description });
  }

  private attach(frame: RheaFrame, onAttach: (f: RheaFrame) => void): void {
    const session = this.c.remote_channel_map[frame.channel];
    const counted = session ? this.linksIn.get(session) : undefined;
    if (!session || counted === undefined) return onAttach(frame); // rhea raises its own error
    const handle = frame.performative.handle as number;
    const fresh = !(handle in session.remote.handles) ? 1 : 0;
    const inSession = counted + fresh;
    const inConnection = this.links + fresh;
    const perSession = this.limits.maxLinksPerSession;
    const perConnection = this.limits.maxLinksPerConnection;
    const description = inSession > perSession ? `A session cannot have more than ${perSession} links.` : `A connection cannot have more than ${perConnection} links.`;
    if (inSession > cutOff(perSession) || inConnection > cutOff(perConnection)) return this.events.fail("amqp:resource-limit-exceeded", description);
    this.events.refuseLinks(inSession > perSession || inConnection > perConnection ? description : undefined);
    try {
      onAttach(frame);
    } finally {
      this.events.refuseLinks(undefined);
    }
    const link = session.remote.handles[handle];
    if (fresh && link) {
      this.linksIn.set(session, inSession);
      this.links = inConnection;
      this.handleOf.set(link, handle);
    }
  }

  /** rhea removes a detached link from its session's handles here. */
  private watchLinks(session: RheaSession): void {
    const removeLink = session.remove_link.bind(session);
    session.remove_link = (link) => {
      const handle = this.handleOf.get(link);
      const counted = this.linksIn.get(session);
      if (handle !== undefined && session.remote.handles[handle] === link) {
        delete session.remote.handles[handle];
        if (counted !== undefined) {
          this.linksIn.set(session, counted - 1);
          this.links -= 1;
        }
      }
      removeLink(link);
    };
  }
}
