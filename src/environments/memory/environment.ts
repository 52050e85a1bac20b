import type { Driver, StartedEnvironment } from "../../core/driver.js";
import { UsageError } from "../../core/errors.js";
import { MemoryDriver } from "../../drivers/memory/driver.js";
import { MemoryBroker } from "../../brokers/memory/broker.js";
import { type Defect, DEFECTS, isDefect } from "../../brokers/memory/defects.js";
import { SeededRandom } from "../../brokers/memory/random.js";
import { VirtualClock } from "../../brokers/memory/virtual-clock.js";

/** Settings read from a memory:// URL. */
export interface MemoryOptions {
  defects: Defect[];
  defectRate: number;
  latencyMs: { minMs: number; maxMs: number };
  /** Probability that a client call times out (its outcome unknown to the client). */
  timeouts: number;
}

const PARAMS = ["defects", "defect-rate", "latency-ms", "timeouts"];

/** Parse `memory://?defects=a,b&defect-rate=0.25&latency-ms=0.05-0.5&timeouts=0.1`. */
export function parseMemoryUrl(url: URL): MemoryOptions {
  for (const name of url.searchParams.keys()) {
    if (!PARAMS.includes(name)) throw new UsageError(`--broker: unknown memory:// option "${name}"`, `expected ${PARAMS.join(", ")}`);
  }
  const defects = (url.searchParams.get("defects") ?? "")
    .split(",")
    .map((d) => d.trim())
    .filter(Boolean);
  for (const d of defects) {
    if (!isDefect(d)) throw new UsageError(`--broker: unknown defect "${d}"`, `expected one of ${Object.keys(DEFECTS).join(", ")}`);
  }
  const rateText = url.searchParams.get("defect-rate");
  const defectRate = rateText === null ? 0.25 : Number(rateText);
  if (!(defectRate > 0 && defectRate <= 1)) {
    throw new UsageError(`--broker: defect-rate "${rateText}" must be a number in (0, 1]`, "e.g. memory://?defects=lose-acked&defect-rate=0.5");
  }
  const latencyText = url.searchParams.get("latency-ms") ?? "0.05-0.5";
  const m = /^(\d+(?:\.\d+)?)(?:-(\d+(?:\.\d+)?))?$/.exec(latencyText);
  const minMs = Number(m?.[1]);
  const maxMs = Number(m?.[2] ?? m?.[1]);
  if (!m || maxMs < minMs) throw new UsageError(`--broker: latency-ms "${latencyText}" must be N or MIN-MAX in ms`, "e.g. latency-ms=0.1-2");
  const timeoutsText = url.searchParams.get("timeouts");
  const timeouts = timeoutsText === null ? 0 : Number(timeoutsText);
  if (!(timeouts >= 0 && timeouts <= 1)) throw new UsageError(`--broker: timeouts "${timeoutsText}" must be a probability in [0, 1]`, "e.g. memory://?timeouts=0.1");
  return { defects: defects as Defect[], defectRate, latencyMs: { minMs, maxMs }, timeouts };
}

/** The embedded broker environment: each connect() builds a fresh, seeded broker in virtual time. */
export function startMemoryEnvironment(raw: string, url: URL): StartedEnvironment {
  const options = parseMemoryUrl(url);
  const env: StartedEnvironment = {
    url: raw,
    async connect({ seed }): Promise<Driver> {
      const clock = new VirtualClock();
      const random = new SeededRandom(seed);
      const broker = new MemoryBroker({ clock, random, defects: new Set(options.defects), defectRate: options.defectRate });
      return new MemoryDriver(broker, clock, random, options.latencyMs, options.timeouts);
    },
    async stop() {},
    async [Symbol.asyncDispose]() {},
  };
  return env;
}
