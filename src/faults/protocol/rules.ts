/**
 * Deterministic triggers for the protocol proxy: a rule names the frames it counts (direction
 * and kinds), fires on the nth of them since it was armed (or on the one carrying a delivery
 * tag), and says what happens to that frame. Counting is across all connections of the proxy.
 */

/** Which way a frame travels through the proxy. */
export type Direction = "to-broker" | "to-client";

/** What the proxy does with the frame a rule fires on ("answer" on a response: replace it). */
export type RuleAction =
  | { do: "drop" }
  /** Drop it, then close the client's and the broker's side of the connection. */
  | { do: "drop-close" }
  /** Forward it, then close the connection. */
  | { do: "close-after" }
  | { do: "delay"; ms: number }
  | { do: "duplicate" }
  /** Do not forward; send these bytes back to the sender instead (an error answer); undefined: forward it. */
  | { do: "answer"; reply: (frame: FrameView) => Buffer | undefined }
  /** Tell the client `notice` now, hold this frame and everything after it ms, then tell it `resume` (a blocked connection). */
  | { do: "hold"; ms: number; notice: Buffer; resume: Buffer }
  /**
   * AMQP: do not forward; close the frame's channel on both sides with `close(channel)` (a
   * channel.close), and drop what either side sends on that channel until it confirms the close.
   */
  | { do: "close-channel"; close: (channel: number) => Buffer };

/** A frame as rules see it. */
export interface FrameView {
  kind: string;
  /** AMQP: the channel the frame travels on. */
  channel?: number;
  deliveryTag?: bigint;
  /** Kafka: the api version of the request (or of the request a response answers). */
  apiVersion?: number;
  raw: Buffer;
}

export interface RuleSpec {
  /** For the history: the fault's name. */
  name: string;
  dir: Direction;
  kinds: readonly string[];
  /** Fire on the nth matching frame (from 1). */
  nth?: number;
  /** Or on the matching frame carrying this delivery tag. */
  tag?: number;
  /** How many consecutive matching frames, from the first hit, get the action (a storm); default 1. */
  count?: number;
  action: RuleAction;
}

/** A rule in force: counts frames, fires, and reports what it did. */
export class ArmedRule {
  /** Matching frames seen. */
  seen = 0;
  /** Frames the action was applied to. */
  fired = 0;

  constructor(readonly spec: RuleSpec) {}

  /** Whether this frame gets the action; counts it either way. */
  hits(dir: Direction, frame: FrameView): boolean {
    const s = this.spec;
    if (dir !== s.dir || !s.kinds.includes(frame.kind)) return false;
    this.seen += 1;
    if (this.fired >= (s.count ?? 1)) return false;
    const hit = s.tag !== undefined ? frame.deliveryTag === BigInt(s.tag) || this.fired > 0 : this.seen >= (s.nth ?? 1);
    if (hit) this.fired += 1;
    return hit;
  }

  /** What the history records at the window's end: did the trigger match. */
  report(): Record<string, unknown> {
    return { seen: this.seen, fired: this.fired };
  }
}
