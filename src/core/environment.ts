import type { BenchClient } from "./bench-client.js";
import type { StartedEnvironment } from "./driver.js";
import type { FaultName } from "./faults.js";

/**
 * One broker family as the environment registry knows it (src/environments/registry.ts): how its
 * URL is read, how a run gets a broker, what faults and benchmarks it offers. Everything that
 * depends on the broker family looks its entry up; nothing switches on a scheme.
 */
export interface EnvironmentFamily {
  /** URL scheme, e.g. "kafka" for kafka://. */
  readonly scheme: string;
  /** One line for `gauntlet list` and error messages. */
  readonly description: string;
  /** The URL's authority may list several host:port, comma-separated (Kafka's bootstrap servers): `kafka://a:9092,b:9092`. */
  readonly hostLists?: boolean;
  /** The `gauntlet brokers up NAME` service that runs this broker locally, if there is one. */
  readonly localService?: string;
  /** What `--faults` may name on this family (network, process...); empty when none. */
  readonly faults: readonly FaultName[];
  /** How to get faults when `faults` is empty or a name is missing: the fix printed with exit 3. */
  readonly faultsHint?: string;
  /** Check the URL's options (UsageError naming the option); called before anything starts. */
  validate(url: URL): void;
  /** Start (or connect to) the broker; `redacted` is the URL safe to print. */
  start(redacted: string, url: URL, options: EnvironmentStartOptions): Promise<StartedEnvironment>;
  /** Benchmarks on this family (`gauntlet bench`); absent when it has no bench client yet. */
  readonly bench?: BenchSupport;
}

/** Options a family's start() accepts. */
export interface EnvironmentStartOptions {
  faults?: readonly FaultName[];
}

/** What `gauntlet bench` needs from a family. */
export interface BenchSupport {
  /** One client serving a whole bench run (see BenchClient). */
  open(redacted: string, url: URL): Promise<BenchClient>;
  /** `bench rtt`: open the client with every broker connection through proxies. */
  throughProxies?(raw: string, url: URL, proxy: ProxyOpener): Promise<ProxiedBenchClient>;
  /** `bench --native`: the broker's own perf tool. */
  readonly native?: NativeTool;
}

/** Put a proxy in front of each upstream host:port; resolves to the listen addresses, in order. */
export type ProxyOpener = (upstreams: string[]) => Promise<string[]>;

/** A bench client whose connections pass through proxies, and what sits behind them. */
export interface ProxiedBenchClient {
  client: BenchClient;
  /** What sits behind the proxy, in words, for the output. */
  target: string;
  /** host:port the proxies forward to. */
  upstreams: string[];
  /** Close the client and whatever the family opened for it (not the proxies). */
  close(): Promise<void>;
}

/** A broker's own throughput tool, run on the same broker with the same settings as Gauntlet's cells. */
export interface NativeTool {
  readonly name: string;
  readonly version: string;
  /** Fail (or install) before the matrix runs. */
  prepare(log: (line: string) => void): Promise<void>;
  measure(raw: string, url: URL, request: NativeRequest, log: (line: string) => void): Promise<NativeMeasurement>;
}

/** One native measurement's shape: a payload size, about as long as Gauntlet's cells. */
export interface NativeRequest {
  size: number;
  /** About how long Gauntlet's best cell of this size ran, s. */
  seconds: number;
  /** The largest in-flight limit of the matrix. */
  inFlight: number;
  /** The largest batch size of the matrix's batched cells (absent: no batched cells). */
  batch?: number;
  /** Gauntlet's best msgs/s for this size, if any (to size record counts). */
  rateHint?: number;
}

/** What a native tool measured, and which Gauntlet cell it compares with. */
export interface NativeMeasurement {
  command: string;
  settings: Record<string, unknown>;
  msgsPerSec: number;
  mbPerSec: number;
  /** How msgsPerSec was read from the tool's output. */
  how: string;
  summary: string;
  /** The comparable Gauntlet cell: the pipelined one with this in-flight limit, else the fastest. */
  twin?: { mode: "pipelined" | "batched"; n: number };
  /** Why that cell is the comparable one (for the twin and for the fastest, in that order). */
  comparison: { twin?: string; fastest: string };
}
