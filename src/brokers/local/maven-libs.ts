/**
 * Jars resolved from Maven Central into Gauntlet's cache, the way Kafka and RabbitMQ PerfTest are
 * installed: `<home>/pom.xml` lists the dependencies, maven copies them with their runtime
 * dependencies into `<home>/libs` (the class path is `<libs>/*`), and `<home>/complete` marks an
 * install that finished. Idempotent: a complete install is kept, a failed one removed.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { InfrastructureError, UsageError } from "../../core/errors.js";

const COPY_DEPENDENCIES = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies";

export interface MavenLibs {
  home: string;
  /** What the jars are, in messages: "Kafka", "RabbitMQ PerfTest". */
  tool: string;
  /** Names what could not be resolved in the error: "Kafka 4.1.1", "com.rabbitmq:perf-test:2.22.1". */
  coordinates: string;
  /** artifactId and version of the generated pom. */
  pomArtifact: string;
  version: string;
  /** `<dependency>` elements, from mavenDependency(). */
  dependencies: string[];
  /** The Java it needs, in messages: "java (17 or newer)". */
  java: string;
  /** The fix named when maven fails. */
  retryHint: string;
  /** Longest maven may run (default: no limit). */
  timeoutMs?: number;
}

export function mavenDependency(groupId: string, artifactId: string, version: string): string {
  return `<dependency><groupId>${groupId}</groupId><artifactId>${artifactId}</artifactId><version>${version}</version></dependency>`;
}

export function libsOf(home: string): string {
  return join(home, "libs");
}

export function mavenLibsInstalled(home: string): boolean {
  return existsSync(join(home, "complete"));
}

function pom(libs: MavenLibs): string {
  return `<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>dev.gauntlet</groupId><artifactId>${libs.pomArtifact}</artifactId><version>${libs.version}</version><packaging>pom</packaging>
<dependencies>
${libs.dependencies.join("\n")}
</dependencies></project>
`;
}

function need(tool: string, command: string, args: string[], what: string): void {
  const r = spawnSync(command, args, { stdio: "ignore" });
  if (r.error || r.status !== 0) throw new UsageError(`${tool} needs ${what}, which is not on PATH`, "apt-get install -y openjdk-17-jre-headless maven");
}

/**
 * Resolve the jars into `libs.home` (the caller checks mavenLibsInstalled first). `starting` is
 * logged before maven runs; the jar count and time are logged after, prefixed with `label`.
 */
export async function resolveMavenLibs(libs: MavenLibs, log: (line: string) => void, label: string, starting: string): Promise<void> {
  need(libs.tool, "java", ["-version"], libs.java);
  need(libs.tool, "mvn", ["-v"], "maven");
  log(starting);
  const { home } = libs;
  await rm(home, { recursive: true, force: true });
  await mkdir(home, { recursive: true });
  await writeFile(join(home, "pom.xml"), pom(libs));
  const started = Date.now();
  const r = spawnSync("mvn", ["-B", "-q", "-f", join(home, "pom.xml"), COPY_DEPENDENCIES, `-DoutputDirectory=${libsOf(home)}`, "-DincludeScope=runtime"], {
    stdio: ["ignore", "pipe", "pipe"],
    encoding: "utf8",
    ...(libs.timeoutMs ? { timeout: libs.timeoutMs } : {}),
  });
  if (r.status !== 0) {
    await rm(home, { recursive: true, force: true });
    const output = ((r.stdout ?? "") + (r.stderr ?? "")).trim().slice(-1500) || r.error?.message;
    throw new InfrastructureError(`maven could not resolve ${libs.coordinates}: ${output}`, libs.retryHint);
  }
  const jars = readdirSync(libsOf(home)).length;
  await writeFile(join(home, "complete"), `${new Date().toISOString()}\n`);
  log(`${label}: ${jars} jars in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
