import type { Driver, StartedEnvironment } from "../../core/driver.js";
import { InfrastructureError } from "../../core/errors.js";
import { KafkaDriver } from "./driver.js";
import { parseKafkaUrl } from "./settings.js";

/** An external Kafka reached by URL; each connect() opens a driver with its own topics and groups. */
export async function startKafkaEnvironment(redacted: string, url: URL, connectTimeoutMs = 10_000): Promise<StartedEnvironment> {
  const settings = parseKafkaUrl(url);
  // Fail fast (exit 4, within seconds) when no broker answers.
  const probe = await withDeadline(KafkaDriver.connect({ ...settings, retries: 1 }, { connectionTimeoutMs: 2_000 }), connectTimeoutMs).catch((err: Error) => {
    throw new InfrastructureError(`cannot connect to Kafka at ${redacted}: ${err.message}`, "is the broker running? npx gauntlet brokers up kafka starts a local one");
  });
  await probe.close();
  return {
    url: redacted,
    connect: async (): Promise<Driver> => KafkaDriver.connect(settings),
    stop: async () => {},
    [Symbol.asyncDispose]: async () => {},
  };
}

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    work.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e) => (clearTimeout(timer), reject(e)),
    );
  });
}
