/**
 * `npm run bench`: prints figures, asserts nothing. Measures checker throughput on a generated
 * 1M-op history (goal ≥ 1M ops/s, < 1 KB/op), embedded-broker messages/s, property runs per
 * minute for each suite on memory://, and scenarios per minute with the median scenario time for
 * each suite on servicebus-emulator://. Use `--ops N` to change the history size,
 * `--emulator-runs N` the emulator runs per suite (0 skips them), `--json` for JSON.
 * Checker scaling (histories read from a file, as `gauntlet check` reads them) runs 1M and 10M
 * ops by default and prints, per size, check time, heap and peak RSS, then the growth between
 * them; the 10M size takes 2–4 minutes and ~5 GB of RAM: `--checker-ops 1000000` for 1M only,
 * `--checker-ops 0` to skip it.
 */
import { performance } from "node:perf_hooks";
import { CHECKERS, compose, runSuite, startEnvironment } from "../src/index.js";
import { MemoryBroker } from "../src/brokers/memory/broker.js";
import { SeededRandom } from "../src/brokers/memory/random.js";
import { VirtualClock } from "../src/brokers/memory/virtual-clock.js";
import { MemoryDriver } from "../src/drivers/memory/driver.js";
import { SUITES } from "../src/suites/index.js";
import { suiteTimes } from "./bench-suite-times.js";
import { formatCheckerFigures, measureCheckers } from "./bench-checkers.js";
import { syntheticHistory } from "./synthetic-history.js";

const args = process.argv.slice(2);
const json = args.includes("--json");
const opsArg = args.indexOf("--ops");
const targetOps = opsArg >= 0 ? Number(args[opsArg + 1]) : 1_000_000;
/** `--emulator-runs N`: property runs per suite on servicebus-emulator:// (default 10; 0 skips them). */
const emulatorRunsArg = args.indexOf("--emulator-runs");
const figures: Record<string, number | string> = {};
const say = (line: string) => json || process.stdout.write(`${line}\n`);

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

async function checkerThroughput(): Promise<void> {
  globalThis.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const { ops, setup } = syntheticHistory(targetOps, 7);
  globalThis.gc?.();
  const heapHistory = process.memoryUsage().heapUsed;
  const checkers = Object.values(CHECKERS);
  compose(checkers, ops.slice(0, 10_000), { setup }); // warm-up (JIT)
  let peak = heapHistory;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 5);
  const t0 = performance.now();
  const result = compose(checkers, ops, { setup });
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().heapUsed);
  const perOpHistory = (heapHistory - heapBefore) / ops.length;
  const perOpChecking = (peak - heapHistory) / ops.length;
  figures["checker.ops"] = ops.length;
  figures["checker.opsPerSecond"] = Math.round(ops.length / seconds);
  figures["checker.seconds"] = Number(seconds.toFixed(3));
  figures["checker.bytesPerOp.history"] = Math.round(perOpHistory);
  figures["checker.bytesPerOp.checking"] = Math.round(perOpChecking);
  figures["checker.verdict"] = String(result.valid);
  say(`checkers (${checkers.map((c) => c.name).join(", ")}) on ${ops.length.toLocaleString()} ops:`);
  say(`  ${Math.round(ops.length / seconds).toLocaleString()} ops/s (${seconds.toFixed(2)} s), verdict ${result.valid}`);
  say(`  memory: history ${mb(heapHistory - heapBefore)} (${Math.round(perOpHistory)} B/op), checking peak +${mb(peak - heapHistory)} (${Math.round(perOpChecking)} B/op)${globalThis.gc ? "" : " [run with --expose-gc for steadier figures]"}`);
}

async function brokerThroughput(): Promise<void> {
  const n = 200_000;
  const clock = new VirtualClock();
  const broker = new MemoryBroker({ clock, random: new SeededRandom(1) });
  broker.provision([{ kind: "queue", name: "q", lockDurationMs: 60_000 }]);
  let t0 = performance.now();
  for (let i = 0; i < n; i++) broker.send("q", [{ id: `m${i}` }]);
  for (let done = 0; done < n; ) {
    for (const d of broker.receive("q", "c", 100, "peek-lock")) {
      broker.settle("q", d.lockToken!, "complete");
      done += 1;
    }
  }
  let seconds = (performance.now() - t0) / 1000;
  figures["broker.core.messagesPerSecond"] = Math.round(n / seconds);
  say(`memory broker core (send + peek-lock receive + complete, batch 100): ${Math.round(n / seconds).toLocaleString()} msgs/s`);

  const m = 20_000;
  const vclock = new VirtualClock();
  const random = new SeededRandom(2);
  const driver = new MemoryDriver(new MemoryBroker({ clock: vclock, random }), vclock, random);
  await driver.provision([{ kind: "queue", name: "q", lockDurationMs: 60_000 }]);
  const producer = await driver.producer();
  const consumer = await driver.consumer("q", { mode: "peek-lock" });
  t0 = performance.now();
  const sending = (async () => {
    for (let i = 0; i < m; i++) await producer.send("q", [{ id: `m${i}` }]);
  })();
  let received = 0;
  while (received < m) {
    for (const d of await consumer.receive(10, 50)) {
      await consumer.settle(d, "complete");
      received += 1;
    }
  }
  await sending;
  seconds = (performance.now() - t0) / 1000;
  figures["broker.driver.messagesPerSecond"] = Math.round(m / seconds);
  say(`memory driver end to end (awaited send, receive, complete; virtual network hops): ${Math.round(m / seconds).toLocaleString()} msgs/s`);
}

async function propertyRuns(): Promise<void> {
  const env = await startEnvironment("memory://");
  for (const suite of SUITES) {
    const runs = 30;
    const t0 = performance.now();
    const { outcome } = await runSuite(suite, { env, runs, seed: 1 });
    const minutes = (performance.now() - t0) / 60_000;
    figures[`property.${suite.name}.runsPerMinute`] = Math.round(outcome.runs / minutes);
    say(`property runs, ${suite.name.padEnd(16)}: ${Math.round(outcome.runs / minutes).toLocaleString()} runs/min (${outcome.runs} runs, verdict ${outcome.verdict})`);
  }
}

/** The same suites on servicebus-emulator:// (the real SDK against the embedded emulator, real time). */
async function emulatorPropertyRuns(): Promise<void> {
  const runs = emulatorRunsArg >= 0 ? Number(args[emulatorRunsArg + 1]) : 10;
  if (runs <= 0) return;
  for (const t of await suiteTimes("servicebus-emulator://", SUITES.map((s) => s.name), runs, 1)) {
    if (t.runs === 0) {
      say(`servicebus-emulator://, ${t.suite.padEnd(16)}: ${t.verdict}`);
      continue;
    }
    figures[`property.servicebus-emulator.${t.suite}.scenariosPerMinute`] = Math.round(t.perMinute);
    figures[`property.servicebus-emulator.${t.suite}.medianScenarioSeconds`] = Number(t.medianS.toFixed(3));
    say(`servicebus-emulator://, ${t.suite.padEnd(16)}: ${Math.round(t.perMinute).toLocaleString()} scenarios/min, median ${t.medianS.toFixed(2)} s, p90 ${t.p90S.toFixed(2)} s (${t.runs} runs, verdict ${t.verdict})`);
  }
}

/** `--checker-ops 1000000,10000000`: checkers on histories read from a streamed temp file, in a child each (peak RSS, heap, growth). */
function checkerScaling(): void {
  const at = args.indexOf("--checker-ops");
  const sizes = (at >= 0 ? args[at + 1]! : "1000000,10000000").split(",").map(Number).filter((n) => n > 0);
  if (sizes.length === 0) return;
  say(`checkers on histories read from a file (gauntlet check's path), a child process per size:`);
  const rows = sizes.map((n) => measureCheckers(n));
  rows.forEach((r) => {
    figures[`checker.file.${r.ops}.opsPerSecond`] = Math.round(r.opsPerSecond);
    figures[`checker.file.${r.ops}.peakRssBytes`] = r.peakRssBytes;
    figures[`checker.file.${r.ops}.heapBytes`] = r.heapCheckedBytes;
  });
  for (const l of formatCheckerFigures(rows)) say(l);
}

say(`gauntlet bench — node ${process.version}, ${new Date().toISOString()}`);
await checkerThroughput();
checkerScaling();
await brokerThroughput();
await propertyRuns();
await emulatorPropertyRuns();
if (json) process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
