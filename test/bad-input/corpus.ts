/**
 * The bad-input corpus: what a new user (or an attacker) types or hands Gauntlet, across every
 * command and file type, with the exit code it must get. Each case names its files (written into a
 * private directory, which is also the case's TMPDIR and working directory) and environment.
 */
export interface BadInput {
  name: string;
  args: string[];
  /** Files to write into the case directory first: name → contents. */
  files?: Record<string, string>;
  env?: Record<string, string>;
  code: 3 | 4;
  /** What stderr must say (the field, the fix...). */
  says?: RegExp;
  /** A secret that must not appear in any output. */
  secret?: string;
}

const repro = (scenario: Record<string, unknown>, over: Record<string, unknown> = {}) =>
  JSON.stringify({ gauntlet: "repro", version: 1, suite: "at-least-once", broker: "memory://", seed: 1, anomalies: [], scenario: { ...SCENARIO, ...scenario }, ...over });
const SCENARIO = {
  version: 1,
  suite: "at-least-once",
  seed: 1,
  entities: [{ kind: "queue", name: "orders", lockDurationMs: 50, maxDeliveryCount: 10 }],
  producers: [{ name: "p1", target: "orders", sends: [{ delayMs: 0, messages: [{ id: "m1" }, { id: "m2" }] }] }],
  consumers: [{ name: "c1", source: "orders", mode: "peek-lock", batch: 1, actions: [{ kind: "complete", handleMs: 1 }], startDelayMs: 0 }],
  durationMs: 100,
};
const action = (a: Record<string, unknown>) => ({ consumers: [{ ...SCENARIO.consumers[0], actions: [a] }] });
const op = (o: Record<string, unknown>) => JSON.stringify({ index: 0, time: 0, process: "p1", type: "invoke", f: "send", value: { target: "orders", messages: [{ id: "m1" }] }, ...o });
const cell = (over: Record<string, unknown> = {}) => ({ id: "c1", mode: "sequential", size: 100, n: 1, achievedRate: 1000, publish: { p50: 1, p99: 2, p999: 3 }, ...over });
const bench = (cells: unknown[]) => JSON.stringify({ gauntlet: "bench", version: 1, kind: "send-modes", runId: "r", broker: "memory://", startedAt: "x", cells });

const runBroker = (broker: string, says: RegExp, code: 3 | 4 = 3, extra: Partial<BadInput> = {}): BadInput => ({ name: `run --broker ${broker}`, args: ["run", "--broker", broker, "--runs", "1", "--no-progress"], code, says, ...extra });

export const CORPUS: BadInput[] = [
  // No command, unknown commands and options.
  { name: "no command", args: [], code: 3, says: /no command given[\s\S]*fix:/ },
  { name: "unknown command", args: ["rnu"], code: 3, says: /unknown command/ },
  { name: "unknown option on run", args: ["run", "--rnus", "5"], code: 3, says: /unknown option/ },
  { name: "unknown option on list", args: ["list", "--nope"], code: 3, says: /unknown option/ },
  { name: "unknown option on check", args: ["check", "x.jsonl", "--nope"], code: 3, says: /unknown option/ },
  { name: "run: missing --broker value", args: ["run", "--broker"], code: 3, says: /argument missing/ },

  // run --broker: schemes, URL options, credentials.
  runBroker("kafak://x", /unknown scheme "kafak"[\s\S]*fix: expected one of memory/),
  runBroker("http://x", /unknown scheme "http"/),
  runBroker("not a url", /is not a URL/),
  { ...runBroker("", /broker URL is required/), name: "run --broker ''" },
  runBroker("amqp//admin:s3cr3t-pw@host", /is not a URL/, 3, { secret: "s3cr3t-pw" }),
  runBroker("memory://?defects=lose-everything", /unknown defect "lose-everything"[\s\S]*lose-acked/),
  runBroker("memory://?defects=lose-acked&defects=duplicate-delivery", /"defects" is given twice/),
  runBroker("memory://?defect-rate=2", /defect-rate "2"/),
  runBroker("memory://?defect-rate=0", /defect-rate "0"/),
  runBroker("memory://?defect-rate=abc", /defect-rate "abc"/),
  runBroker("memory://?latency-ms=abc", /latency-ms "abc"/),
  runBroker("memory://?latency-ms=5-1", /latency-ms "5-1"/),
  runBroker("memory://?nope=1", /unknown memory:\/\/ option "nope"/),
  runBroker("amqp://127.0.0.1:5672?queue-type=weird", /queue-type "weird"/),
  runBroker("amqp://127.0.0.1:5672?nope=1", /unknown amqp:\/\/ option "nope"/),
  runBroker("amqp://gauntlet@127.0.0.1:5672?password-env=GAUNTLET_CORPUS_UNSET", /GAUNTLET_CORPUS_UNSET \(password-env\) is not set/),
  runBroker("amqp://u:p@127.0.0.1:5672?password-env=HOME", /password and password-env/),
  runBroker("kafka://", /kafka:\/\/ needs host:port/),
  runBroker("kafka://127.0.0.1", /needs host:port/),
  runBroker("kafka://127.0.0.1:9092?acks=2", /acks="2"/),
  runBroker("kafka://127.0.0.1:9092?acks=1", /idempotent producer needs acks=all/),
  runBroker("kafka://127.0.0.1:9092?idempotent=maybe", /idempotent="maybe"/),
  runBroker("kafka://127.0.0.1:9092?partitions=0", /partitions="0"/),
  runBroker("kafka://127.0.0.1:9092?partitions=65", /partitions="65"/),
  runBroker("kafka://127.0.0.1:9092?retries=-1", /retries="-1"/),
  runBroker("kafka://127.0.0.1:9092?client=confluent", /client="confluent"/),
  runBroker("kafka://user:pw@127.0.0.1:9092", /SASL/),
  runBroker("kafka://127.0.0.1:9092?nope=1", /unknown kafka:\/\/ option "nope"/),
  runBroker("servicebus-emulator://?x=1", /takes no options/),
  runBroker("servicebus://?nope=1", /unknown servicebus:\/\/ option "nope"/),
  runBroker("servicebus://?connection-string-env=GAUNTLET_CORPUS_UNSET", /GAUNTLET_CORPUS_UNSET is not set/),
  { ...runBroker("servicebus://", /cannot be parsed/), name: "run --broker servicebus:// with a malformed connection string", env: { SERVICEBUS_CONNECTION_STRING: "garbage-with-secret-xyz" }, secret: "garbage-with-secret-xyz" },
  { ...runBroker("servicebus://", /SharedAccessKeyName/), name: "run --broker servicebus:// with a key but no key name", env: { SERVICEBUS_CONNECTION_STRING: "Endpoint=sb://127.0.0.1:1/;SharedAccessKey=k3y-s3cret" }, secret: "k3y-s3cret" },
  // Unreachable brokers: exit 4 within seconds, naming the fix.
  runBroker("amqp://127.0.0.1:1", /cannot connect to RabbitMQ[\s\S]*fix:/, 4),
  runBroker("amqp://guest:hunter2@127.0.0.1:1", /cannot connect to RabbitMQ/, 4, { secret: "hunter2" }),
  runBroker("kafka://127.0.0.1:1", /cannot connect to Kafka[\s\S]*fix:/, 4),
  { ...runBroker("servicebus://", /cannot reach Service Bus at 127\.0\.0\.1:1[\s\S]*fix:/, 4), name: "run --broker servicebus:// with an unreachable endpoint", env: { SERVICEBUS_CONNECTION_STRING: "Endpoint=sb://127.0.0.1:1;SharedAccessKeyName=a;SharedAccessKey=topsecretkey;UseDevelopmentEmulator=true" }, secret: "topsecretkey" },

  // run: numbers, suites, faults, output.
  ...["0", "-1", "abc", "1.5", "2000000", ""].map((v): BadInput => ({ name: `run --runs '${v}'`, args: ["run", "--runs", v], code: 3, says: /--runs/ })),
  ...["abc", "2147483648", "1.5", "-2147483649"].map((v): BadInput => ({ name: `run --seed ${v}`, args: ["run", "--seed", v], code: 3, says: /--seed/ })),
  ...["0", "abc", "86401"].map((v): BadInput => ({ name: `run --shrink-budget ${v}`, args: ["run", "--shrink-budget", v], code: 3, says: /--shrink-budget/ })),
  { name: "run: unknown suite", args: ["run", "at-most-once"], code: 3, says: /unknown suite "at-most-once"[\s\S]*fix:/ },
  { name: "run: unknown fault", args: ["run", "--faults", "earthquake"], code: 3, says: /unknown fault "earthquake"/ },
  { name: "run: empty --faults", args: ["run", "--faults", ","], code: 3, says: /no fault named/ },
  { name: "run: faults on memory://", args: ["run", "--faults", "kill"], code: 3, says: /memory:\/\/ has no faults[\s\S]*defect switches/ },
  { name: "run: a network fault on the emulator", args: ["run", "--broker", "servicebus-emulator://", "--faults", "latency"], code: 3, says: /latency not available on servicebus-emulator:\/\/.*\n.*server-busy/ },
  { name: "run: --out under a file", args: ["run", "--runs", "1", "--out", "/dev/null/x"], code: 3, says: /--out: cannot create/ },

  // check: histories.
  { name: "check: missing file", args: ["check", "nope.jsonl"], code: 3, says: /no such file[\s\S]*fix:/ },
  { name: "check: a directory", args: ["check", "."], code: 3, says: /cannot read history/ },
  { name: "check: not JSON", files: { "h.jsonl": "hello\n" }, args: ["check", "h.jsonl"], code: 3, says: /h\.jsonl:1/ },
  { name: "check: JSON but not an op", files: { "h.jsonl": "{\"hello\":1}\n" }, args: ["check", "h.jsonl"], code: 3, says: /h\.jsonl:1/ },
  { name: "check: bad type", files: { "h.jsonl": `${op({ type: "maybe" })}\n` }, args: ["check", "h.jsonl"], code: 3, says: /h\.jsonl:1: field "type"/ },
  { name: "check: negative index", files: { "h.jsonl": `${op({ index: -1 })}\n` }, args: ["check", "h.jsonl"], code: 3, says: /h\.jsonl:1/ },
  { name: "check: string time", files: { "h.jsonl": `${op({ time: "now" })}\n` }, args: ["check", "h.jsonl"], code: 3, says: /h\.jsonl:1/ },
  { name: "check: array line", files: { "h.jsonl": "[1,2]\n" }, args: ["check", "h.jsonl"], code: 3, says: /h\.jsonl:1/ },
  { name: "check: truncated line", files: { "h.jsonl": `${op({})}\n{"index":1,"ti\n` }, args: ["check", "h.jsonl"], code: 3, says: /h\.jsonl:2/ },
  { name: "check: unknown checker", files: { "h.jsonl": `${op({})}\n` }, args: ["check", "h.jsonl", "--checker", "nope"], code: 3, says: /unknown checker "nope"/ },

  // replay: repro files.
  { name: "replay: missing file", args: ["replay", "nope.json"], code: 3, says: /no such file[\s\S]*fix:/ },
  { name: "replay: not JSON", files: { "r.json": "{" }, args: ["replay", "r.json"], code: 3, says: /cannot read repro file/ },
  { name: "replay: not a repro", files: { "r.json": "{\"hello\":1}" }, args: ["replay", "r.json"], code: 3, says: /not a Gauntlet repro file/ },
  { name: "replay: null", files: { "r.json": "null" }, args: ["replay", "r.json"], code: 3, says: /not a Gauntlet repro file/ },
  { name: "replay: version 99", files: { "r.json": repro({}, { version: 99 }) }, args: ["replay", "r.json"], code: 3, says: /version 99/ },
  { name: "replay: no suite", files: { "r.json": repro({}, { suite: 5 }) }, args: ["replay", "r.json"], code: 3, says: /"suite" and "broker"/ },
  { name: "replay: unknown suite", files: { "r.json": repro({}, { suite: "nope" }) }, args: ["replay", "r.json"], code: 3, says: /unknown suite "nope"/ },
  { name: "replay: bad broker", files: { "r.json": repro({}, { broker: "kafak://x" }) }, args: ["replay", "r.json"], code: 3, says: /unknown scheme/ },
  { name: "replay: renewEveryMs 1e-9", files: { "r.json": repro(action({ kind: "renew", handleMs: 10, renewEveryMs: 1e-9 })) }, args: ["replay", "r.json"], code: 3, says: /renewEveryMs/ },
  { name: "replay: handleMs 1e300", files: { "r.json": repro(action({ kind: "complete", handleMs: 1e300 })) }, args: ["replay", "r.json"], code: 3, says: /handleMs/ },
  { name: "replay: negative handleMs", files: { "r.json": repro(action({ kind: "complete", handleMs: -5 })) }, args: ["replay", "r.json"], code: 3, says: /handleMs/ },
  { name: "replay: unknown action", files: { "r.json": repro(action({ kind: "explode", handleMs: 1 })) }, args: ["replay", "r.json"], code: 3, says: /actions/ },
  { name: "replay: duplicate message ids", files: { "r.json": repro({ producers: [{ name: "p1", target: "orders", sends: [{ delayMs: 0, messages: [{ id: "m1" }] }, { delayMs: 1, messages: [{ id: "m1" }] }] }] }) }, args: ["replay", "r.json"], code: 3, says: /"m1" is sent twice/ },
  { name: "replay: unknown target", files: { "r.json": repro({ producers: [{ name: "p1", target: "payments", sends: [{ delayMs: 0, messages: [{ id: "m1" }] }] }] }) }, args: ["replay", "r.json"], code: 3, says: /"payments" is not an entity/ },
  { name: "replay: unknown source", files: { "r.json": repro({ consumers: [{ ...SCENARIO.consumers[0], source: "payments" }] }) }, args: ["replay", "r.json"], code: 3, says: /"payments" is not a queue/ },
  { name: "replay: no entities", files: { "r.json": repro({ entities: [] }) }, args: ["replay", "r.json"], code: 3, says: /entities/ },
  { name: "replay: durationMs 1e12", files: { "r.json": repro({ durationMs: 1e12 }) }, args: ["replay", "r.json"], code: 3, says: /durationMs/ },
  { name: "replay: batch 1e6", files: { "r.json": repro({ consumers: [{ ...SCENARIO.consumers[0], batch: 1e6 }] }) }, args: ["replay", "r.json"], code: 3, says: /batch/ },
  { name: "replay: unknown fault", files: { "r.json": repro({ faults: [{ name: "earthquake", atMs: 0, durationMs: 10 }] }) }, args: ["replay", "r.json"], code: 3, says: /faults/ },
  { name: "replay: fault on memory", files: { "r.json": repro({ faults: [{ name: "kill", atMs: 0, durationMs: 10 }] }) }, args: ["replay", "r.json"], code: 3, says: /memory:\/\/ has no faults/ },
  { name: "replay: protocol trigger that can never match", files: { "r.json": repro({ faults: [{ name: "lost-confirm", atMs: 0, durationMs: 10, params: { nth: 0 } }] }) }, args: ["replay", "r.json"], code: 3, says: /lost-confirm: nth 0 can never match[\s\S]*lost-produce-response/ },
  { name: "replay: protocol fault parameter it does not have", files: { "r.json": repro({ faults: [{ name: "not-leader", atMs: 0, durationMs: 10, params: { tag: 3 } }] }) }, args: ["replay", "r.json"], code: 3, says: /not-leader has no parameter "tag" \(it has nth, count\)/ },
  ...["0", "abc", "10001"].map((v): BadInput => ({ name: `replay --times ${v}`, files: { "r.json": repro({}) }, args: ["replay", "r.json", "--times", v], code: 3, says: /--times/ })),

  // certify: handlers and options.
  { name: "certify: missing handler", args: ["certify", "nope.ts"], code: 3, says: /nope\.ts/ },
  { name: "certify: handler without handle()", files: { "h.mjs": "export const x = 1;\n" }, args: ["certify", "h.mjs", "--runs", "1"], code: 3, says: /handle/ },
  { name: "certify: handler that does not parse", files: { "h.mjs": "export function handle( {\n" }, args: ["certify", "h.mjs", "--runs", "1"], code: 3, says: /h\.mjs/ },
  { name: "certify: --runs 0", files: { "h.mjs": "export async function handle() {}\nexport function snapshot() { return {}; }\n" }, args: ["certify", "h.mjs", "--runs", "0"], code: 3, says: /--runs/ },
  { name: "certify: --semantics nope", files: { "h.mjs": "export async function handle() {}\nexport function snapshot() { return {}; }\n" }, args: ["certify", "h.mjs", "--semantics", "nope"], code: 3, says: /semantics/ },
  { name: "certify: --broker kafak://", files: { "h.mjs": "export async function handle() {}\nexport function snapshot() { return {}; }\n" }, args: ["certify", "h.mjs", "--broker", "kafak://x"], code: 3, says: /unknown scheme "kafak"/ },
  { name: "certify: --broker amqp://", files: { "h.mjs": "export async function handle() {}\nexport function snapshot() { return {}; }\n" }, args: ["certify", "h.mjs", "--broker", "amqp://127.0.0.1:5672"], code: 3, says: /certify through amqp:\/\//i },
  { name: "certify: --seed abc", files: { "h.mjs": "export async function handle() {}\nexport function snapshot() { return {}; }\n" }, args: ["certify", "h.mjs", "--seed", "abc"], code: 3, says: /--seed/ },

  // brokers.
  { name: "brokers: unknown action", args: ["brokers", "explode"], code: 3, says: /unknown action "explode"/ },
  { name: "brokers install: unknown broker", args: ["brokers", "install", "activemq"], code: 3, says: /activemq/ },
  { name: "brokers up: unknown broker", args: ["brokers", "up", "activemq"], code: 3, says: /activemq/ },
  { name: "brokers down: unknown broker", args: ["brokers", "down", "activemq"], code: 3, says: /activemq/ },

  // bench send-modes.
  ...[
    [["--sizes", "abc"], /--sizes/],
    [["--sizes", "0"], /--sizes|size/],
    [["--in-flight", "0"], /--in-flight/],
    [["--batch", "-3"], /--batch/],
    [["--rate", "-1"], /--rate/],
    [["--rate", "abc"], /--rate/],
    [["--duration", "abc"], /--duration/],
    [["--duration", "-1s"], /--duration/],
    [["--warmup", "forever"], /--warmup/],
    [["--threshold", "publish.p101<1ms"], /"p101" is not a percentile/],
    [["--threshold", "publish.p0<1ms"], /"p0" is not a percentile/],
    [["--threshold", "publish.p99<1"], /needs a unit/],
    [["--threshold", "junk"], /cannot read "junk"/],
    [["--threshold", "delay.p99<1ms"], /only measured at a fixed rate/],
    [["--native"], /memory:\/\/ has no native perf tool/],
    [["--broker", "kafak://x"], /unknown scheme "kafak"/],
    [["--broker", "servicebus-emulator://"], /has no bench client yet/],
    [["--broker", "memory://?defects=lose-acked"], /does not apply to bench/],
    [["--out", "/dev/null/x"], /--out: cannot create/],
  ].map(([extra, says]): BadInput => ({ name: `bench send-modes ${(extra as string[]).join(" ")}`, args: ["bench", "send-modes", "--no-progress", "--duration", "200ms", ...(extra as string[])], code: 3, says: says as RegExp })),
  { name: "bench send-modes on an unreachable RabbitMQ", args: ["bench", "send-modes", "--no-progress", "--broker", "amqp://127.0.0.1:1"], code: 4, says: /RabbitMQ|127\.0\.0\.1:1/ },
  { name: "bench send-modes on an unreachable Kafka", args: ["bench", "send-modes", "--no-progress", "--broker", "kafka://127.0.0.1:1"], code: 4, says: /Kafka|127\.0\.0\.1:1/ },

  // bench rtt and http.
  ...[
    [["--latency", "abc"], /--latency/],
    [["--messages", "0"], /--messages/],
    [["--in-flight", "0"], /--in-flight/],
    [["--broker", "servicebus-emulator://"], /has no bench client yet|not available yet/],
    [["--broker", "kafak://x"], /unknown scheme/],
  ].map(([extra, says]): BadInput => ({ name: `bench rtt ${(extra as string[]).join(" ")}`, args: ["bench", "rtt", "--no-progress", ...(extra as string[])], code: 3, says: says as RegExp })),
  ...[
    [["--connections", "0"], /--connections/],
    [["--duration", "x"], /--duration/],
    [["--defect", "nope"], /unknown defect|--defect/],
    [["--broker", "kafak://x"], /unknown scheme/],
    [["--rate", "0"], /--rate/],
  ].map(([extra, says]): BadInput => ({ name: `bench http ${(extra as string[]).join(" ")}`, args: ["bench", "http", "--no-progress", ...(extra as string[])], code: 3, says: says as RegExp })),
  { name: "bench: unknown kind", args: ["bench", "fastest"], code: 3, says: /unknown command|fastest/ },

  // compare: results files.
  { name: "compare: missing files", args: ["compare", "a.json", "b.json"], code: 3, says: /cannot read a\.json/ },
  { name: "compare: not JSON", files: { "a.json": "{", "b.json": "{" }, args: ["compare", "a.json", "b.json"], code: 3, says: /cannot read a\.json/ },
  { name: "compare: not a bench file", files: { "a.json": "{\"x\":1}", "b.json": bench([cell()]) }, args: ["compare", "a.json", "b.json"], code: 3, says: /not a gauntlet bench results/ },
  { name: "compare: a null cell", files: { "a.json": bench([null]), "b.json": bench([cell()]) }, args: ["compare", "a.json", "b.json"], code: 3, says: /cells\.0/ },
  { name: "compare: a string rate", files: { "a.json": bench([cell()]), "b.json": bench([cell({ achievedRate: "fast" })]) }, args: ["compare", "a.json", "b.json"], code: 3, says: /cells\.0\.achievedRate/ },
  { name: "compare: no publish latencies", files: { "a.json": bench([cell({ publish: null })]), "b.json": bench([cell()]) }, args: ["compare", "a.json", "b.json"], code: 3, says: /cells\.0\.publish/ },
  { name: "compare: a string percentile", files: { "a.json": bench([cell({ publish: { p50: 1, p99: "slow", p999: 3 } })]), "b.json": bench([cell()]) }, args: ["compare", "a.json", "b.json"], code: 3, says: /cells\.0\.publish\.p99/ },
  { name: "compare: cells not an array", files: { "a.json": JSON.stringify({ gauntlet: "bench", cells: {} }), "b.json": bench([cell()]) }, args: ["compare", "a.json", "b.json"], code: 3, says: /not a gauntlet bench results/ },
  { name: "compare: --tolerance abc", files: { "a.json": bench([cell()]), "b.json": bench([cell()]) }, args: ["compare", "a.json", "b.json", "--tolerance", "abc"], code: 3, says: /--tolerance/ },
  { name: "compare: --tolerance -5", files: { "a.json": bench([cell()]), "b.json": bench([cell()]) }, args: ["compare", "a.json", "b.json", "--tolerance", "-5"], code: 3, says: /--tolerance/ },

  // emulator.
  { name: "emulator: unknown kind", args: ["emulator", "activemq"], code: 3, says: /activemq/ },
  ...["", "abc", "70000", "-1", "1.5"].map((v): BadInput => ({ name: `emulator --port '${v}'`, args: ["emulator", "servicebus", "--port", v], code: 3, says: /--port/ })),
  { name: "emulator: missing config", args: ["emulator", "servicebus", "--port", "0", "--config", "nope.json"], code: 3, says: /nope\.json/ },
  { name: "emulator: config not JSON", files: { "c.json": "{" }, args: ["emulator", "servicebus", "--port", "0", "--config", "c.json"], code: 3, says: /c\.json/ },
  { name: "emulator: config of the wrong shape", files: { "c.json": "{\"UserConfig\": 5}" }, args: ["emulator", "servicebus", "--port", "0", "--config", "c.json"], code: 3, says: /c\.json|UserConfig/ },

  // conformance and list.
  { name: "conformance: unknown scheme", args: ["conformance", "--broker", "kafak://x"], code: 3, says: /unknown scheme/ },
  { name: "conformance: unreachable RabbitMQ", args: ["conformance", "--broker", "amqp://127.0.0.1:1"], code: 4, says: /cannot connect to RabbitMQ/ },
];

CORPUS.push({ name: "brokers status: unknown broker", args: ["brokers", "status", "activemq"], code: 3, says: /unknown broker "activemq"/ });
