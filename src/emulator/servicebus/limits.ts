/**
 * The emulator's protocol limits, like a real namespace's: what one peer may ask of it before
 * it is refused with the service's error conditions (docs/servicebus-emulator.md, "Limits").
 */
import { EmulatorConfigError } from "./config.js";

/** Limits on what one client may ask of the emulator; every field is optional in options. */
export interface EmulatorLimits {
  /** Largest AMQP frame accepted (advertised as max-frame-size in the open); larger declared frames close the connection with amqp:connection:framing-error. */
  maxFrameSize: number;
  /** Concurrent connections; more are refused with amqp:resource-limit-exceeded (the service's AMQP quota per namespace is 5,000). */
  maxConnections: number;
  /** Sessions per connection (advertised as channel-max + 1). */
  maxSessionsPerConnection: number;
  /** Links per session. */
  maxLinksPerSession: number;
  /** Links per connection, over all its sessions. */
  maxLinksPerConnection: number;
  /** Largest request on $cbs and $management links, which have no entity size of their own. */
  maxManagementMessageBytes: number;
  /** A connection with no complete frame for this long is closed with amqp:connection:forced (0 = never); advertised as idle-time-out so SDKs send heartbeats. */
  idleTimeoutMs: number;
  /** A socket that has not completed its AMQP open (and SASL) this long after connecting is dropped. */
  handshakeTimeoutMs: number;
}

/** Defaults: generous for any SDK application, small enough that one peer cannot exhaust the process. */
export const DEFAULT_LIMITS: Readonly<EmulatorLimits> = Object.freeze({
  maxFrameSize: 65_536,
  maxConnections: 5_000,
  maxSessionsPerConnection: 1_000,
  maxLinksPerSession: 256,
  maxLinksPerConnection: 2_000,
  maxManagementMessageBytes: 4 * 1024 * 1024,
  idleTimeoutMs: 60_000,
  handshakeTimeoutMs: 10_000,
});

/** AMQP 1.0 §2.7.1: no peer may ask for frames smaller than 512 bytes. */
const MIN_MAX_FRAME_SIZE = 512;
/** Above 2^30 a frame size would start with the byte 'A' of a protocol header and be ambiguous. */
const MAX_MAX_FRAME_SIZE = 2 ** 30;

/** Inclusive bounds of each limit (0 for idleTimeoutMs = never). */
export const LIMIT_BOUNDS: Readonly<Record<keyof EmulatorLimits, readonly [number, number]>> = {
  maxFrameSize: [MIN_MAX_FRAME_SIZE, MAX_MAX_FRAME_SIZE],
  maxConnections: [1, 1_000_000],
  maxSessionsPerConnection: [1, 65_536],
  maxLinksPerSession: [1, 1_000_000],
  maxLinksPerConnection: [1, 1_000_000],
  maxManagementMessageBytes: [1, 2 ** 31],
  idleTimeoutMs: [0, 2 ** 31 - 1],
  handshakeTimeoutMs: [1, 2 ** 31 - 1],
};

/** Defaults overlaid with `given`; throws EmulatorConfigError naming a field out of bounds. */
export function resolveLimits(given: Partial<EmulatorLimits> = {}): EmulatorLimits {
  const limits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(LIMIT_BOUNDS) as Array<keyof EmulatorLimits>) {
    const v = given[key];
    if (v === undefined) continue;
    const [lo, hi] = LIMIT_BOUNDS[key];
    if (!Number.isInteger(v) || v < lo || v > hi) throw new EmulatorConfigError(`limits.${key}: ${String(v)} is not a whole number from ${lo} to ${hi}`);
    limits[key] = v;
  }
  for (const key of Object.keys(given)) {
    if (!(key in LIMIT_BOUNDS)) throw new EmulatorConfigError(`limits.${key}: unknown limit (known: ${Object.keys(LIMIT_BOUNDS).join(", ")})`);
  }
  return limits;
}
