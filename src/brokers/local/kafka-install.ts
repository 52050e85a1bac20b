import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { InfrastructureError, UsageError } from "../../core/errors.js";
import { gauntletCache } from "./state.js";

/** Kafka versions Gauntlet provisions from Maven Central; 4.x by default, 3.9 selectable. */
export const KAFKA_VERSIONS = ["4.1.1", "3.9.1"] as const;
export type KafkaVersion = (typeof KAFKA_VERSIONS)[number];
export const DEFAULT_KAFKA_VERSION: KafkaVersion = "4.1.1";

export const KAFKA_INSTALL = "npx gauntlet brokers install kafka   (needs java ≥ 17 and maven: apt-get install -y openjdk-17-jre-headless maven)";

export function kafkaHome(version: KafkaVersion = DEFAULT_KAFKA_VERSION): string {
  return join(gauntletCache(), "kafka", version);
}

/** The jar directory of an installed version (the class path is `<libs>/*`). */
export function kafkaLibs(version: KafkaVersion = DEFAULT_KAFKA_VERSION): string {
  return join(kafkaHome(version), "libs");
}

export function kafkaInstalled(version: KafkaVersion = DEFAULT_KAFKA_VERSION): boolean {
  return existsSync(join(kafkaHome(version), "complete"));
}

export function parseKafkaVersion(text: string | undefined): KafkaVersion {
  const v = text ?? process.env.GAUNTLET_KAFKA_VERSION ?? DEFAULT_KAFKA_VERSION;
  if ((KAFKA_VERSIONS as readonly string[]).includes(v)) return v as KafkaVersion;
  throw new UsageError(`unknown Kafka version "${v}"`, `expected one of ${KAFKA_VERSIONS.join(", ")} (GAUNTLET_KAFKA_VERSION)`);
}

/**
 * The broker, its tools (kafka-producer-perf-test lives in kafka-tools) and an SLF4J binding:
 * 3.9 declares reload4j compileOnly and 4.x ships no binding, so without one the broker logs nothing.
 */
function pom(version: KafkaVersion): string {
  const dep = (g: string, a: string, v: string) => `<dependency><groupId>${g}</groupId><artifactId>${a}</artifactId><version>${v}</version></dependency>`;
  const logging = version.startsWith("3.")
    ? [dep("org.slf4j", "slf4j-reload4j", "1.7.36"), dep("ch.qos.reload4j", "reload4j", "1.2.25")]
    : [dep("org.slf4j", "slf4j-api", "2.0.17"), dep("org.slf4j", "slf4j-simple", "2.0.17")];
  return `<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>dev.gauntlet</groupId><artifactId>kafka-libs</artifactId><version>${version}</version><packaging>pom</packaging>
<dependencies>
${dep("org.apache.kafka", "kafka_2.13", version)}
${dep("org.apache.kafka", "kafka-tools", version)}
${logging.join("\n")}
</dependencies></project>
`;
}

function need(command: string, args: string[], what: string): void {
  const r = spawnSync(command, args, { stdio: "ignore" });
  if (r.error || r.status !== 0) throw new UsageError(`Kafka needs ${what}, which is not on PATH`, "apt-get install -y openjdk-17-jre-headless maven");
}

/** Resolve the Kafka jars from Maven Central into the cache. Idempotent: an installed version is kept. */
export async function installKafka(version: KafkaVersion, log: (line: string) => void): Promise<void> {
  const home = kafkaHome(version);
  if (kafkaInstalled(version)) {
    log(`kafka ${version}: already installed (${home})`);
    return;
  }
  need("java", ["-version"], "java (17 or newer)");
  need("mvn", ["-v"], "maven");
  log(`kafka ${version}: resolving jars from Maven Central into ${home} ...`);
  await rm(home, { recursive: true, force: true });
  await mkdir(home, { recursive: true });
  await writeFile(join(home, "pom.xml"), pom(version));
  const started = Date.now();
  const r = spawnSync(
    "mvn",
    ["-B", "-q", "-f", join(home, "pom.xml"), "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies", `-DoutputDirectory=${kafkaLibs(version)}`, "-DincludeScope=runtime"],
    { stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" },
  );
  if (r.status !== 0) {
    await rm(home, { recursive: true, force: true });
    throw new InfrastructureError(`maven could not resolve Kafka ${version}: ${(r.stdout + r.stderr).trim().slice(-1500)}`, "is Maven Central reachable? retry: npx gauntlet brokers install kafka");
  }
  const jars = readdirSync(kafkaLibs(version)).length;
  await writeFile(join(home, "complete"), `${new Date().toISOString()}\n`);
  log(`kafka ${version}: ${jars} jars in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
