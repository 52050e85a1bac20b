import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { InfrastructureError, UsageError } from "../../core/errors.js";
import { gauntletCache } from "../../brokers/local/state.js";

/** RabbitMQ PerfTest (com.rabbitmq:perf-test on Maven Central), the latest 2.x release. */
export const PERF_TEST_VERSION = "2.22.1";
export const PERF_TEST_MAIN = "com.rabbitmq.perf.PerfTest";

export function perfTestHome(version = PERF_TEST_VERSION): string {
  return join(gauntletCache(), "perf-test", version);
}

/** The jar directory (the class path is `<libs>/*`). */
export function perfTestLibs(version = PERF_TEST_VERSION): string {
  return join(perfTestHome(version), "libs");
}

export function perfTestInstalled(version = PERF_TEST_VERSION): boolean {
  return existsSync(join(perfTestHome(version), "complete"));
}

function pom(version: string): string {
  return `<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>dev.gauntlet</groupId><artifactId>perf-test-libs</artifactId><version>${version}</version><packaging>pom</packaging>
<dependencies>
<dependency><groupId>com.rabbitmq</groupId><artifactId>perf-test</artifactId><version>${version}</version></dependency>
</dependencies></project>
`;
}

function need(command: string, args: string[], what: string): void {
  const r = spawnSync(command, args, { stdio: "ignore" });
  if (r.error || r.status !== 0) throw new UsageError(`RabbitMQ PerfTest needs ${what}, which is not on PATH`, "apt-get install -y openjdk-17-jre-headless maven");
}

/**
 * Resolve PerfTest and its dependencies from Maven Central into the Gauntlet cache (as
 * kafka-install.ts does for Kafka). Idempotent: a completed install is kept; a failed one is removed.
 */
export async function installPerfTest(log: (line: string) => void, version = PERF_TEST_VERSION): Promise<void> {
  const home = perfTestHome(version);
  if (perfTestInstalled(version)) return;
  need("java", ["-version"], "java (11 or newer)");
  need("mvn", ["-v"], "maven");
  log(`RabbitMQ PerfTest ${version}: first use, resolving com.rabbitmq:perf-test from Maven Central into ${home} ...`);
  await rm(home, { recursive: true, force: true });
  await mkdir(home, { recursive: true });
  await writeFile(join(home, "pom.xml"), pom(version));
  const started = Date.now();
  const r = spawnSync(
    "mvn",
    ["-B", "-q", "-f", join(home, "pom.xml"), "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies", `-DoutputDirectory=${perfTestLibs(version)}`, "-DincludeScope=runtime"],
    { stdio: ["ignore", "pipe", "pipe"], encoding: "utf8", timeout: 600_000 },
  );
  if (r.status !== 0) {
    await rm(home, { recursive: true, force: true });
    throw new InfrastructureError(`maven could not resolve com.rabbitmq:perf-test:${version}: ${((r.stdout ?? "") + (r.stderr ?? "")).trim().slice(-1500) || r.error?.message}`, "is Maven Central reachable? rerun the command to retry");
  }
  const jars = readdirSync(perfTestLibs(version)).length;
  await writeFile(join(home, "complete"), `${new Date().toISOString()}\n`);
  log(`RabbitMQ PerfTest ${version}: ${jars} jars in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
