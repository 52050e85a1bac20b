/** What `gauntlet brokers up` records about a running local service, so a later process can stop it. */
export interface ServiceState {
  /** Process (group leader) to signal. */
  pid: number;
  /** Private data/log directory, removed on stop. */
  dir: string;
  /** URL clients use (no secrets beyond the local default guest login). */
  url: string;
  /** Extra URLs worth listing, e.g. a Kafka listener advertised through toxiproxy. */
  urls?: Record<string, string>;
}

/**
 * A broker or proxy Gauntlet installs and runs on this machine without Docker. Each one lives in
 * its own file (rabbitmq-service.ts, kafka-service.ts, toxiproxy-service.ts) and is listed in
 * services.ts; `gauntlet brokers` only talks to this interface.
 */
export interface LocalService<S extends ServiceState = ServiceState> {
  readonly name: string;
  /** The command that installs it, printed when it is missing. */
  readonly installHint: string;
  installed(): boolean;
  /** Where the installed bits are (for `status`). */
  location(): string | undefined;
  /** Install idempotently into Gauntlet's cache (or the system, for Debian packages). */
  install(log: (line: string) => void): Promise<void>;
  /** Start a private instance that outlives this process. */
  start(): Promise<S>;
  /** Stop an instance started earlier (possibly by another process) and remove its directory. */
  stop(state: S): Promise<void>;
  /** The log files of a running instance (kept for reports before stop removes them). */
  logFiles?(state: S): string[];
}
