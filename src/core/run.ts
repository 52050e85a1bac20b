import type { CheckResult, Verdict } from "./result.js";
import type { Scenario } from "./scenario.js";

/** Latency percentiles of one op kind, in milliseconds (invoke → completion). */
export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

/** Ops completed per time bucket of the representative run. */
export interface ThroughputPoint {
  /** Bucket start, seconds since the run started (history clock). */
  t: number;
  sends: number;
  deliveries: number;
  settles: number;
}

/** Figures derived from a run's history by report/metrics. */
export interface HistoryMetrics {
  ops: number;
  /** Span of the history, ms on its clock. */
  durationMs: number;
  /** op f (send, receive, settle, renew, drain) → latency. */
  latency: Record<string, LatencySummary>;
  throughput: ThroughputPoint[];
  /** Width of a throughput bucket, seconds. */
  bucketSeconds: number;
  /** Fault windows, seconds since start. */
  faults: { name: string; start: number; stop?: number }[];
}

/** One suite's outcome within a `gauntlet run`. */
export interface SuiteOutcome {
  suite: string;
  description: string;
  verdict: Verdict;
  /** Set when the broker lacks a capability the suite requires. */
  notApplicable?: string;
  /** checker name → result for the representative run (the shrunk failure, or the last run). */
  results: Record<string, CheckResult>;
  /** Property runs executed (including shrink steps). */
  runs: number;
  /** Runs requested. */
  requestedRuns: number;
  seed: number;
  /** fast-check's path to the counterexample, for `--path` style replays. */
  path?: string;
  /** The minimal failing scenario, when one was found. */
  counterexample?: Scenario;
  /** Repro file written for the counterexample, relative to the report directory. */
  reproFile?: string;
  /** Command that replays the counterexample. */
  replayCommand?: string;
  /** Run id of this suite's history inside history.jsonl. */
  historyRun: string;
  metrics?: HistoryMetrics;
  /** Wall-clock duration of the suite, ms. */
  wallMs: number;
  /** Infrastructure error that stopped the suite (verdict "unknown"). */
  error?: string;
  /** Something the reader should know about how the verdict was reached (e.g. shrinking cut short). */
  note?: string;
  /** `gauntlet replay`: how many of the replays failed or were unknown. */
  replayed?: { times: number; failures: number; unknowns: number };
}

/** What `gauntlet run` / `replay` / `check` produce: results.json. */
export interface RunSummary {
  runId: string;
  command: string;
  startedAt: string;
  finishedAt: string;
  /** Broker URL with credentials removed. */
  broker: string;
  seed: number;
  verdict: Verdict;
  suites: SuiteOutcome[];
  gauntletVersion: string;
  node: string;
  /** Directory the report files were written to. */
  reportDir: string;
  /** What the local broker (started by `gauntlet brokers up`) logged during the run, relative to reportDir. */
  brokerLogs?: string[];
  /** Set when a signal stopped the run: the suites so far, and the verdict so far. */
  interrupted?: string;
  /** A plan run (`gauntlet run --plan`): which configuration was validated, against which claims. */
  plan?: PlanRunInfo;
}

/** What results.json says about a plan run. */
export interface PlanRunInfo {
  file?: string;
  name?: string;
  family: string;
  /** The claims checked (one suite each), and why each is checked. */
  claims: { suite: string; claim: Record<string, unknown>; because: string }[];
  /** Promises of the settings that were not checked, named. */
  unchecked: { entity: string; setting: string; reason: string }[];
  /** Settings an importer could not carry over (from the plan's notHonoured). */
  notHonoured: { path: string; setting: string; reason: string }[];
  /** Entities that already existed (useExisting): tested in place, each empty before the run, none created or deleted. */
  existing?: { entities: string[]; note: string };
  /** Settings of each address as read back from the broker after creating it (Driver.describe), when the driver can. */
  validatedConfiguration?: Record<string, Record<string, unknown>>;
}
