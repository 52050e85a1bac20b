import { amqpMethodFrame } from "./amqp-framer.js";

/**
 * Frames the proxy sends in the broker's place on AMQP 0-9-1 (spec 1.4.2.*): connection.blocked
 * and unblocked (RabbitMQ's extension, announced by the client's `connection.blocked`
 * capability, which amqplib and the Java client set), and channel.close with a reply code.
 */

const shortstr = (s: string): Buffer => {
  const b = Buffer.from(s.slice(0, 255), "utf8");
  return Buffer.concat([Buffer.from([b.length]), b]);
};

/** connection.blocked (10.60) with a reason, on channel 0. */
export function connectionBlocked(reason: string): Buffer {
  return amqpMethodFrame(0, 10, 60, shortstr(reason));
}

/** connection.unblocked (10.61), on channel 0. */
export function connectionUnblocked(): Buffer {
  return amqpMethodFrame(0, 10, 61);
}

/** channel.close (20.40) on `channel`: reply code and text, and the method that caused it (class, method). */
export function channelClose(channel: number, code: number, text: string, cause: [number, number] = [0, 0]): Buffer {
  const head = Buffer.alloc(2);
  head.writeUInt16BE(code);
  const tail = Buffer.alloc(4);
  tail.writeUInt16BE(cause[0], 0);
  tail.writeUInt16BE(cause[1], 2);
  return amqpMethodFrame(channel, 20, 40, Buffer.concat([head, shortstr(text), tail]));
}

/** The reply text RabbitMQ would send with a code. */
export const REPLY_TEXT: Record<number, string> = {
  406: "PRECONDITION_FAILED - injected by gauntlet (channel-close)",
  541: "INTERNAL_ERROR - injected by gauntlet (channel-close)",
};
