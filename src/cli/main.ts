import { Command, CommanderError, Option } from "commander";
import { EXIT, GauntletError } from "../core/errors.js";
import { FAULT_NAMES } from "../core/faults.js";
import { sendModesCommand } from "./bench-command.js";
import { clientsCommand } from "./bench-clients-command.js";
import { benchHttpCommand } from "./bench-http-command.js";
import { rttCommand } from "./bench-rtt-command.js";
import { brokersCommand } from "./brokers-command.js";
import { certifyCommand } from "./certify-command.js";
import { checkCommand } from "./check-command.js";
import { compareCommand } from "./compare-command.js";
import { conformanceCommand } from "./conformance-command.js";
import { emulatorCommand } from "./emulator-command.js";
import { addEmulatorLimitOptions } from "./emulator-limit-options.js";
import { listCommand } from "./list-command.js";
import { replayCommand } from "./replay-command.js";
import { DEFAULT_RUNS, runCommand } from "./run-command.js";
import { planImportCommand, planValidateCommand, runPlanCommand } from "./plan-command.js";
import { PLAN_DEFAULT_RUNS } from "../api/plan-test.js";

/** Entry point: argv (without node and script) → exit code. Never throws. */
export async function main(argv: string[]): Promise<number> {
  let code: number = EXIT.valid;
  const setCode = (c: number) => {
    code = c;
  };
  const program = buildProgram(setCode);
  if (argv.length === 0) {
    process.stderr.write(program.helpInformation());
    process.stderr.write("gauntlet: no command given\n  fix: name one, e.g. npx gauntlet run (every suite on the embedded broker); npx gauntlet --help lists them\n");
    return EXIT.usage;
  }
  try {
    await program.parseAsync(argv, { from: "user" });
    return code;
  } catch (error) {
    return reportError(error, argv.includes("--verbose") || Boolean(process.env.GAUNTLET_DEBUG));
  }
}

function buildProgram(setCode: (code: number) => void): Command {
  const program = new Command("gauntlet")
    .description("Property-based and fault-injection testing for message brokers")
    .version("0.1.0")
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .showSuggestionAfterError(true);
  const verbose = new Option("--verbose", "print stack traces for internal errors");

  program
    .command("run")
    .description("property-run suites against a broker (default: every suite on memory://)")
    .argument("[suite...]", "suites to run (see gauntlet list)")
    .option("--broker <url>", "broker URL (default memory://, or the plan's broker)")
    .option("--plan <file>", "run a test plan: your own entities, settings and claims (docs/plans.md)")
    .option("--seed <n>", "fast-check seed (printed; reuse it to rerun the same scenarios)")
    .option("--runs <n>", `property runs per suite, or per claim of a plan (default ${DEFAULT_RUNS}; plans ${PLAN_DEFAULT_RUNS})`)
    .option("--out <dir>", "report root directory", "reports")
    .option("--json", "print results.json to stdout instead of the table")
    .option("--shrink-budget <seconds>", "stop shrinking this long after the first failure (default 60 on real brokers, unlimited on memory://)")
    .option("--store <store>", "blob store of the claim-check suite: azurite (a private Azurite behind toxiproxy, default), file (a temporary directory) or file:DIR")
    .option("--faults <names>", `inject fault windows generated with the workload: ${FAULT_NAMES.join(", ")} (see docs/faults.md; partition-* and *-leader need a cluster, docs/clusters.md; lost-*, delayed-confirm, connection-blocked, channel-close, not-leader, produce-timed-out, coordinator-loading and rebalance-in-progress are protocol faults: one frame of amqp:// or kafka://, or the emulator's own hooks on servicebus-emulator://)`)
    .option("--no-progress", "no progress line on stderr")
    .option("--use-existing", "with --plan: test entities that already exist (the plan must say useExisting too); each must be empty, nothing is created or deleted")
    .addOption(verbose)
    .action(async (suites: string[], opts) => setCode(opts.plan ? await runPlanCommand(opts.plan, suites, opts) : await runCommand(suites, opts)));

  const plan = program.command("plan").description("test plans: validate or import your own broker configuration (docs/plans.md)");
  plan
    .command("validate")
    .description("check a plan file: exit 0 and print the claims it checks, or exit 3 with the JSON path and fix of every bad field")
    .argument("<file>", "plan file (JSON, YAML, or a .js/.ts module exporting it)")
    .option("--json", "print the result as JSON")
    .addOption(verbose)
    .action(async (file: string, opts) => setCode(await planValidateCommand(file, opts)));
  plan
    .command("import")
    .description("print a plan (JSON) made from a broker's own configuration (a file, or a live Kafka topic); settings it cannot honour are named")
    .argument("<kind>", "servicebus (the emulator's Config.json), rabbitmq (the management plugin's definitions.json) or kafka (a live topic: --broker, --topic)")
    .argument("[file]", "the configuration file (servicebus, rabbitmq)")
    .option("--broker <url>", "kafka: the cluster to read the topic and broker configs from (kafka://host:port)")
    .option("--topic <name...>", "kafka: the topic(s) to import")
    .addOption(verbose)
    .action(async (kind: string, file: string | undefined, opts) => setCode(await planImportCommand(kind, file, opts)));

  program
    .command("check")
    .description("check a recorded history.jsonl")
    .argument("<history>", "history file (JSONL, see docs/history-format.md)")
    .option("--json", "print the result as JSON")
    .option("--checker <name...>", "checkers to run (default: those the history's setup names, else all)")
    .addOption(verbose)
    .action(async (file: string, opts) => setCode(await checkCommand(file, opts)));

  program
    .command("replay")
    .description("re-run a repro file written by gauntlet run or gauntlet certify")
    .argument("<file>", "repro-<suite>.json")
    .option("--broker <url>", "broker URL (default: the one in the repro file)")
    .option("--times <n>", "replay N times and report how often it reproduces", "1")
    .option("--store <store>", "blob store of a claim-check repro: azurite (default), file or file:DIR")
    .option("--out <dir>", "report root directory", "reports")
    .option("--json", "print results.json to stdout")
    .addOption(verbose)
    .action(async (file: string, opts) => setCode(await replayCommand(file, opts)));

  program
    .command("certify")
    .description("certify a consumer handler idempotent under at-least-once delivery, or show the minimal schedule that breaks it")
    .argument("<handler>", "module exporting handle(message, context), snapshot() and reset() (see docs/certify.md)")
    .option("--runs <n>", "generated message sets and schedules (default 100)")
    .option("--seed <n>", "fast-check seed (printed; reuse it to rerun the same cases)")
    .option("--semantics <name>", "per-key-order (first deliveries of a key in send order) or unordered", "per-key-order")
    .option("--broker <url>", "deliver through a broker with injected faults (memory://) instead of the in-process scheduler")
    .option("--timeout <time>", "limit of each call into the handler (and of a blocked event loop), e.g. 10s or 500ms (default 10s)")
    .option("--pattern <name>", "certify a pattern implementation instead of a handler: outbox or claim-check (see docs/patterns.md)")
    .option("--db <url>", "--pattern outbox: a throwaway PostgreSQL database (default: a private PostgreSQL Gauntlet starts)")
    .option("--store <url>", "--pattern claim-check: azurite (default, a private Azurite), file:DIR, or an Azure Storage connection string")
    .option("--out <dir>", "report root directory", "reports")
    .option("--json", "print results.json to stdout")
    .option("--no-progress", "no progress line on stderr")
    .addOption(verbose)
    .action(async (handler: string, opts) => setCode(await certifyCommand(handler, opts)));

  program
    .command("conformance")
    .description("run the driver conformance kit against a broker")
    .option("--broker <url>", "broker URL", "memory://")
    .option("--json", "print the results as JSON")
    .addOption(verbose)
    .action(async (opts) => setCode(await conformanceCommand(opts)));

  program
    .command("brokers")
    .description("install, start, stop and list local brokers (no Docker needed)")
    .argument("<action>", "install | up | down | status")
    .argument("[broker...]", "rabbitmq (default: every available one)")
    .option("--json", "status as JSON")
    .option("--nodes <n>", "up: start a cluster of N nodes, each in its own network namespace (rabbitmq; see docs/clusters.md)")
    .option("--partition-handling <mode>", "up --nodes: RabbitMQ cluster_partition_handling: pause_minority (default), autoheal or ignore")
    .option("--mirrored", "up --nodes: mirror every classic queue on all nodes by policy (ha-mode: all)")
    .action(async (action: string, names: string[], opts) => setCode(await brokersCommand(action, names, opts)));

  const bench = program.command("bench").description("benchmarks that tell the truth: send modes, latency and throughput reports (see docs/benchmarks.md)");
  bench
    .command("send-modes")
    .description("matrix of send modes (sequential, pipelined, batched; fire-and-forget as the anti-pattern) × payload sizes × N")
    .option("--broker <url>", "broker URL", "memory://")
    .option("--sizes <bytes,...>", "payload sizes in bytes, at least 16 (default 100,1024)")
    .option("--in-flight <n,...>", "pipelined: max unacknowledged sends (default 10,100)")
    .option("--batch <n,...>", "batched: messages per SDK batch (default 10,100)")
    .option("--modes <names>", "sequential,pipelined,batched,fire-and-forget (default all)")
    .option("--duration <time>", "measured time per cell, e.g. 5s (default 2s)")
    .option("--warmup <time>", "warm-up per cell, excluded from every figure (default 500ms)")
    .option("--rate <n>", "fixed target msgs/s per cell, open loop (default: max rate)")
    .option("--messages <n>", "measured messages per cell instead of --duration")
    .option("--threshold <expr>", "fail (exit 1) when a cell breaches it, e.g. 'publish.p99<50ms', 'e2e.p999<200ms', 'rate>=1000' (repeatable)", (v: string, all: string[] = []) => [...all, v])
    .option("--quick", "one size, one N per mode, 0.5 s cells")
    .option("--native", "also run the broker's own perf tool on the same broker and settings (kafka-producer-perf-test, RabbitMQ PerfTest) and print Gauntlet's throughput as a ratio to it")
    .option("--protocol-proxy", "also run every cell through an idle protocol proxy (the one protocol faults use) and print proxied ÷ direct msgs/s per cell")
    .option("--out <dir>", "report root directory", "reports")
    .option("--json", "print results.json to stdout instead of the table")
    .option("--no-progress", "no per-cell progress on stderr")
    .addOption(verbose)
    .action(async (opts) => setCode(await sendModesCommand(opts)));

  bench
    .command("clients")
    .description("the same send-mode matrix through every Kafka client library (kafkajs, platformatic) on one broker, msgs/s side by side")
    .option("--broker <url>", "kafka:// broker URL (its client= is replaced by each client in turn)")
    .option("--sizes <bytes,...>", "payload sizes in bytes, at least 16 (default 100,1024)")
    .option("--in-flight <n,...>", "pipelined: max unacknowledged sends (default 10,100)")
    .option("--batch <n,...>", "batched: messages per SDK batch (default 10,100)")
    .option("--modes <names>", "sequential,pipelined,batched,fire-and-forget (default batched)")
    .option("--duration <time>", "measured time per cell, e.g. 5s (default 2s)")
    .option("--warmup <time>", "warm-up per cell, excluded from every figure (default 500ms)")
    .option("--out <dir>", "report root directory", "reports")
    .option("--json", "print results.json to stdout instead of the table")
    .option("--no-progress", "no per-cell progress on stderr")
    .addOption(verbose)
    .action(async (opts) => setCode(await clientsCommand({ broker: "", ...opts })));

  bench
    .command("http")
    .description("HTTP ingress: autocannon drives the sample order service (POST /orders → OrderPlaced); HTTP and HTTP → consumed latency; every 2xx order must produce exactly one event")
    .option("--broker <url>", "broker URL the service publishes to", "memory://")
    .option("--connections <n>", "autocannon connections (default 10)")
    .option("--duration <time>", "load duration, e.g. 10s (default 10s)")
    .option("--rate <n>", "autocannon overallRate in req/s (default: max rate; see docs/benchmarks.md for its 1 ms/1 s caveats)")
    .option("--bad-orders <pct>", "percentage of requests with an invalid order (400 expected, no event; default 0)")
    .option("--timeout <seconds>", "autocannon request timeout (default 10)")
    .option("--defect <name>", "make the sample service misbehave: duplicate-publish, skip-publish, publish-then-fail (every 10th order); with --outbox: publish-then-commit, no-lock-between-relays")
    .option("--declined-orders <pct>", "percentage of valid orders from a customer whose payment is declined (402 expected, no event; default 0, 5 with --outbox)")
    .option("--outbox", "transactional outbox mode: the service writes each order and its OrderPlaced outbox row in one transaction on a private PostgreSQL 15 and relays publish them; also checks the database against the broker's history")
    .option("--relays <n>", "with --outbox: relays publishing the outbox concurrently (default 2)")
    .option("--db <url>", "with --outbox: a throwaway PostgreSQL database instead of a private one (its orders and outbox tables are dropped)")
    .option("--out <dir>", "report root directory", "reports")
    .option("--json", "print results.json to stdout instead of the summary")
    .option("--no-progress", "no progress line on stderr")
    .addOption(verbose)
    .action(async (opts) => setCode(await benchHttpCommand(opts)));

  bench
    .command("rtt")
    .description("the round-trip experiment: a private toxiproxy adds latency in front of the broker; sequential, pipelined and batched sends of N messages, in round trips")
    .option("--broker <url>", "broker URL (memory:// is served over a loopback TCP hop so the proxy is in its path)", "memory://")
    .option("--latency <time>", "latency the proxy adds per round trip, split between the two directions (default 70ms)")
    .option("--messages <n>", "messages per mode (default 20)")
    .option("--in-flight <n>", "pipelined: max unacknowledged sends (default 10; a pipelined row with all N in flight is added)")
    .option("--size <bytes>", "payload bytes (default 100)")
    .option("--out <dir>", "report root directory", "reports")
    .option("--json", "print results.json to stdout instead of the table")
    .option("--no-progress", "no progress lines on stderr")
    .addOption(verbose)
    .action(async (opts) => setCode(await rttCommand(opts)));

  program
    .command("compare")
    .description("compare two bench results.json files cell by cell (mode, size, N)")
    .argument("<a>", "baseline results.json")
    .argument("<b>", "candidate results.json")
    .option("--json", "print the comparison as JSON")
    .option("--tolerance <pct>", "a change beyond this % is a regression (default 10)")
    .option("--fail-on-regression", "exit 1 when any cell regressed")
    .addOption(verbose)
    .action(async (a: string, b: string, opts) => setCode(await compareCommand(a, b, opts)));

  program
    .command("emulator")
    .description("serve an embedded emulator the unmodified client SDK talks to (servicebus), until Ctrl-C")
    .argument("<kind>", "servicebus")
    .option("--port <n>", "TCP port (0 = any free port)", "5672")
    .option("--host <address>", "address to bind (default loopback 127.0.0.1)")
    .option("--config <file>", "entities from a Config.json in the official emulator's shape")
    .option("--json", "print the connection details as one JSON line")
    .addOption(verbose)
    .action(async (kind: string, opts) => setCode(await emulatorCommand(kind, opts)));
  addEmulatorLimitOptions(program.commands.find((c) => c.name() === "emulator")!);

  program
    .command("list")
    .description("list suites, checkers, broker schemes and defect switches")
    .option("--json", "print as JSON")
    .action(async (opts) => setCode(await listCommand(opts)));

  return program;
}

function reportError(error: unknown, verbose: boolean): number {
  if (error instanceof CommanderError) {
    if (error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.code === "commander.help") return EXIT.valid;
    return EXIT.usage; // commander already printed the message
  }
  if (error instanceof GauntletError) {
    process.stderr.write(`gauntlet: ${error.message}\n`);
    if (error.fix) process.stderr.write(`  fix: ${error.fix}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`gauntlet: internal error: ${message}\n`);
  if (verbose && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  else process.stderr.write("  (run with --verbose or GAUNTLET_DEBUG=1 for the stack trace; please report it)\n");
  return EXIT.infrastructure;
}
