import type { Command } from "commander";
import { UsageError } from "../core/errors.js";
import { parseDuration } from "../bench/matrix.js";
import { DEFAULT_LIMITS, type EmulatorLimits, LIMIT_BOUNDS } from "../emulator/servicebus/index.js";

/** The `gauntlet emulator servicebus` flags that set its protocol limits (docs/servicebus-emulator.md, "Limits"). */
export interface EmulatorLimitFlags {
  maxFrameSize?: string;
  maxConnections?: string;
  maxSessions?: string;
  maxLinks?: string;
  maxConnectionLinks?: string;
  idleTimeout?: string;
  handshakeTimeout?: string;
}

/** commander option definitions: [flags, description] for each limit flag. */
const EMULATOR_LIMIT_OPTIONS: Array<[string, string]> = [
  ["--max-frame-size <bytes>", `largest AMQP frame accepted and advertised (default ${DEFAULT_LIMITS.maxFrameSize})`],
  ["--max-connections <n>", `concurrent connections; more are refused with amqp:resource-limit-exceeded (default ${DEFAULT_LIMITS.maxConnections})`],
  ["--max-sessions <n>", `sessions per connection (default ${DEFAULT_LIMITS.maxSessionsPerConnection})`],
  ["--max-links <n>", `links per session (default ${DEFAULT_LIMITS.maxLinksPerSession})`],
  ["--max-connection-links <n>", `links per connection, over its sessions (default ${DEFAULT_LIMITS.maxLinksPerConnection})`],
  ["--idle-timeout <duration>", `close a connection silent this long, e.g. 60s; 0 = never (default ${DEFAULT_LIMITS.idleTimeoutMs / 1000}s)`],
  ["--handshake-timeout <duration>", `drop a socket that has not opened AMQP within this, e.g. 10s (default ${DEFAULT_LIMITS.handshakeTimeoutMs / 1000}s)`],
];

/** Add the limit flags to the `emulator` command. */
export function addEmulatorLimitOptions(command: Command): void {
  for (const [flags, description] of EMULATOR_LIMIT_OPTIONS) command.option(flags, description);
}

function whole(flag: string, key: keyof EmulatorLimits, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const [lo, hi] = LIMIT_BOUNDS[key];
  const n = Number(raw);
  if (raw.trim() === "" || !Number.isInteger(n) || n < lo || n > hi) throw new UsageError(`${flag}: "${raw}" is not a whole number from ${lo} to ${hi}`, `e.g. ${flag} ${DEFAULT_LIMITS[key]}`);
  return n;
}

/** The limits named by flags; unset flags keep the emulator's defaults. */
export function parseEmulatorLimits(o: EmulatorLimitFlags): Partial<EmulatorLimits> {
  const limits: Partial<EmulatorLimits> = {
    maxFrameSize: whole("--max-frame-size", "maxFrameSize", o.maxFrameSize),
    maxConnections: whole("--max-connections", "maxConnections", o.maxConnections),
    maxSessionsPerConnection: whole("--max-sessions", "maxSessionsPerConnection", o.maxSessions),
    maxLinksPerSession: whole("--max-links", "maxLinksPerSession", o.maxLinks),
    maxLinksPerConnection: whole("--max-connection-links", "maxLinksPerConnection", o.maxConnectionLinks),
    idleTimeoutMs: o.idleTimeout === undefined ? undefined : o.idleTimeout.trim() === "0" ? 0 : parseDuration("--idle-timeout", o.idleTimeout, 0, 0),
    handshakeTimeoutMs: o.handshakeTimeout === undefined ? undefined : parseDuration("--handshake-timeout", o.handshakeTimeout, 0, 1),
  };
  for (const k of Object.keys(limits) as Array<keyof EmulatorLimits>) if (limits[k] === undefined) delete limits[k];
  return limits;
}
