/** Typed errors. Every error the CLI can print carries an exit code and, where known, the fix. */

export const EXIT = { valid: 0, invalid: 1, unknown: 2, usage: 3, infrastructure: 4 } as const;

/** Base class: a message for people, an exit code for scripts. */
export class GauntletError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    readonly fix?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad usage or configuration (exit 3): names the option and, always, the fix. */
export class UsageError extends GauntletError {
  constructor(message: string, fix: string) {
    super(message, EXIT.usage, fix);
  }
}

/** Broker unreachable, process failed, internal fault (exit 4). */
export class InfrastructureError extends GauntletError {
  constructor(message: string, fix?: string) {
    super(message, EXIT.infrastructure, fix);
  }
}

/** A history file that cannot be parsed (exit 3), naming the line. */
export class HistoryFormatError extends UsageError {
  constructor(
    readonly file: string,
    readonly line: number,
    detail: string,
  ) {
    super(`${file}:${line}: ${detail}`, "each line must be one JSON op of the shape and rules in docs/history-format.md");
  }
}

/**
 * Thrown by drivers for an operation that definitely did not take effect (recorded as `fail`).
 * Any other error from a driver is indeterminate (recorded as `info`).
 */
export class DefiniteFailure extends Error {
  constructor(
    message: string,
    readonly code: string = "failed",
  ) {
    super(message);
    this.name = "DefiniteFailure";
  }
}

/** The lock on a message was lost: the settlement or renewal was not applied. */
export class LockLostError extends DefiniteFailure {
  constructor(message = "lock lost") {
    super(message, "lock-lost");
    this.name = "LockLostError";
  }
}

/** The description of any thrown value, for error fields in the history. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}
