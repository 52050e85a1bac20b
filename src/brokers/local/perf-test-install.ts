import { join } from "node:path";
import { libsOf, mavenDependency, mavenLibsInstalled, resolveMavenLibs } from "./maven-libs.js";
import { gauntletCache } from "./state.js";

/** RabbitMQ PerfTest (com.rabbitmq:perf-test on Maven Central), the latest 2.x release. */
export const PERF_TEST_VERSION = "2.22.1";
export const PERF_TEST_MAIN = "com.rabbitmq.perf.PerfTest";

export function perfTestHome(version = PERF_TEST_VERSION): string {
  return join(gauntletCache(), "perf-test", version);
}

/** The jar directory (the class path is `<libs>/*`). */
export function perfTestLibs(version = PERF_TEST_VERSION): string {
  return libsOf(perfTestHome(version));
}

export function perfTestInstalled(version = PERF_TEST_VERSION): boolean {
  return mavenLibsInstalled(perfTestHome(version));
}

/**
 * Resolve PerfTest and its dependencies from Maven Central into the Gauntlet cache (as Kafka is
 * installed). Idempotent: a completed install is kept; a failed one is removed.
 */
export async function installPerfTest(log: (line: string) => void, version = PERF_TEST_VERSION): Promise<void> {
  const home = perfTestHome(version);
  if (perfTestInstalled(version)) return;
  const libs = {
    home,
    tool: "RabbitMQ PerfTest",
    coordinates: `com.rabbitmq:perf-test:${version}`,
    pomArtifact: "perf-test-libs",
    version,
    dependencies: [mavenDependency("com.rabbitmq", "perf-test", version)],
    java: "java (11 or newer)",
    retryHint: "is Maven Central reachable? rerun the command to retry",
    timeoutMs: 600_000,
  };
  await resolveMavenLibs(libs, log, `RabbitMQ PerfTest ${version}`, `RabbitMQ PerfTest ${version}: first use, resolving com.rabbitmq:perf-test from Maven Central into ${home} ...`);
}
