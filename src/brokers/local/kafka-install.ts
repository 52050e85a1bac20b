import { join } from "node:path";
import { UsageError } from "../../core/errors.js";
import { libsOf, mavenDependency, mavenLibsInstalled, resolveMavenLibs } from "./maven-libs.js";
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
  return libsOf(kafkaHome(version));
}

export function kafkaInstalled(version: KafkaVersion = DEFAULT_KAFKA_VERSION): boolean {
  return mavenLibsInstalled(kafkaHome(version));
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
function dependencies(version: KafkaVersion): string[] {
  const logging = version.startsWith("3.")
    ? [mavenDependency("org.slf4j", "slf4j-reload4j", "1.7.36"), mavenDependency("ch.qos.reload4j", "reload4j", "1.2.25")]
    : [mavenDependency("org.slf4j", "slf4j-api", "2.0.17"), mavenDependency("org.slf4j", "slf4j-simple", "2.0.17")];
  return [mavenDependency("org.apache.kafka", "kafka_2.13", version), mavenDependency("org.apache.kafka", "kafka-tools", version), ...logging];
}

/** Resolve the Kafka jars from Maven Central into the cache. Idempotent: an installed version is kept. */
export async function installKafka(version: KafkaVersion, log: (line: string) => void): Promise<void> {
  const home = kafkaHome(version);
  if (kafkaInstalled(version)) {
    log(`kafka ${version}: already installed (${home})`);
    return;
  }
  const libs = {
    home,
    tool: "Kafka",
    coordinates: `Kafka ${version}`,
    pomArtifact: "kafka-libs",
    version,
    dependencies: dependencies(version),
    java: "java (17 or newer)",
    retryHint: "is Maven Central reachable? retry: npx gauntlet brokers install kafka",
  };
  await resolveMavenLibs(libs, log, `kafka ${version}`, `kafka ${version}: resolving jars from Maven Central into ${home} ...`);
}
