import { describe, expect, it } from "vitest";
import { UsageError } from "../core/errors.js";
import { parseEmulatorLimits } from "./emulator-limit-options.js";

describe("gauntlet emulator servicebus limit flags", () => {
  it("maps each flag to its limit, durations included", () => {
    expect(parseEmulatorLimits({ maxFrameSize: "4096", maxConnections: "10", maxSessions: "5", maxLinks: "6", maxConnectionLinks: "7", idleTimeout: "2s", handshakeTimeout: "500ms" })).toEqual({
      maxFrameSize: 4096,
      maxConnections: 10,
      maxSessionsPerConnection: 5,
      maxLinksPerSession: 6,
      maxLinksPerConnection: 7,
      idleTimeoutMs: 2000,
      handshakeTimeoutMs: 500,
    });
    expect(parseEmulatorLimits({})).toEqual({});
    expect(parseEmulatorLimits({ idleTimeout: "0" })).toEqual({ idleTimeoutMs: 0 });
  });

  it("refuses out-of-range or malformed values naming the flag and the fix", () => {
    const fails = (flags: Parameters<typeof parseEmulatorLimits>[0], text: RegExp) => {
      const err = (() => {
        try {
          parseEmulatorLimits(flags);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(err).toBeInstanceOf(UsageError);
      expect(String((err as Error).message)).toMatch(text);
      expect((err as UsageError).fix).toBeTruthy();
    };
    fails({ maxFrameSize: "100" }, /--max-frame-size: "100" is not a whole number from 512/);
    fails({ maxConnections: "" }, /--max-connections: "" is not a whole number/);
    fails({ maxLinks: "2.5" }, /--max-links/);
    fails({ idleTimeout: "5" }, /--idle-timeout: "5" is not a duration/);
    fails({ handshakeTimeout: "0s" }, /--handshake-timeout/);
  });
});
