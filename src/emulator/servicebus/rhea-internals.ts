/**
 * The parts of rhea's connection, session and link objects (lib/connection.js, lib/session.js)
 * the limit guard reads or wraps, which rhea's typings leave out, and the disposition clamp.
 */

/** A decoded performative: fields are accessors over the encoded list (setters re-encode). */
export type Performative = Record<string, unknown>;

/** A frame as rhea's transport hands it to the connection's on_<performative> handlers. */
export interface RheaFrame {
  channel: number;
  performative: Performative;
  payload?: Buffer;
}

/** rhea's per-session ring of unsettled deliveries, ids contiguous from head to tail. */
interface DeliveryRing {
  get_head(): { id: number } | undefined;
  get_tail(): { id: number } | undefined;
}

export interface RheaSession {
  links: Record<string, unknown>;
  remote: { handles: Record<number, RheaLink> };
  outgoing: { deliveries: DeliveryRing };
  incoming: { deliveries: DeliveryRing };
  end(error?: { condition: string; description: string }): void;
  remove_link(link: RheaLink): void;
}

export interface RheaLink {
  /** The delivery whose transfer frames are still arriving. */
  _incomplete?: { frames: Buffer[]; format: number };
}

export interface RheaConnection {
  socket?: unknown;
  local_channel_map: Record<number, RheaSession>;
  remote_channel_map: Record<number, RheaSession | undefined>;
  input(chunk: Buffer): void;
  on_open(frame: RheaFrame): void;
  on_begin(frame: RheaFrame): void;
  on_attach(frame: RheaFrame): void;
  on_disposition(frame: RheaFrame): void;
  on_transfer(frame: RheaFrame): void;
  close(error?: { condition: string; description: string }): void;
  remove_session(session: RheaSession): void;
  abort_socket(socket: unknown): void;
}

/**
 * Narrow a disposition's first..last to the deliveries `session` holds unsettled (the only ids
 * rhea can find; it would otherwise visit every id of the range). False = it names none of them,
 * or its range is not made of whole numbers: rhea would change nothing, so the frame is dropped.
 */
export function clampDisposition(session: RheaSession, p: Performative): boolean {
  const ring = p.role ? session.outgoing.deliveries : session.incoming.deliveries;
  const head = ring.get_head();
  const tail = ring.get_tail();
  const first = p.first;
  const last = p.last ? p.last : first; // rhea's own reading: an absent (or 0) last means first
  if (!head || !tail || !Number.isInteger(first) || !Number.isInteger(last)) return false;
  const lo = Math.max(first as number, head.id);
  const hi = Math.min(last as number, tail.id);
  if (lo > hi) return false;
  if (lo !== first) p.first = lo;
  if (hi !== last) p.last = hi;
  return true;
}
