/**
 * Broker logs outlive the broker: a run against a node `gauntlet brokers up` started copies what
 * that node logged during the run into the report (`broker-logs/`), and `brokers down` keeps the
 * whole log in the cache (`logs/`) before the node's directory is removed.
 */
import { existsSync } from "node:fs";
import { copyFile, mkdir, open, readdir, rm, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { gauntletCache, readState } from "./state.js";
import { LOCAL_SERVICES } from "./services.js";
import { CLUSTER_SERVICES } from "./cluster-services.js";
import type { LocalService, ServiceState } from "./service.js";

/** How many archived logs `brokers down` keeps; older ones are removed. */
const ARCHIVE_KEEP = 30;

/** A log file and its size when the run began: the report gets what was written after. */
export interface LogMark {
  service: string;
  file: string;
  offset: number;
}

/** Every host:port a URL names (kafka:// may list several brokers, comma-separated). */
export function endpointsOf(raw: string): string[] {
  const authority = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?([^/?#]*)/i.exec(raw)?.[1] ?? "";
  return authority
    .split(",")
    .map((hp) => hp.trim().toLowerCase().replace(/^localhost:/, "127.0.0.1:"))
    .filter((hp) => /:\d+$/.test(hp));
}

/** Local services (started by `brokers up`) whose URLs share an endpoint with the broker URL. */
async function servicesBehind(brokerUrl: string): Promise<{ service: LocalService<ServiceState>; state: ServiceState }[]> {
  const wanted = new Set(endpointsOf(brokerUrl));
  if (wanted.size === 0) return [];
  const found: { service: LocalService<ServiceState>; state: ServiceState }[] = [];
  for (const service of [...LOCAL_SERVICES, ...CLUSTER_SERVICES] as LocalService<ServiceState>[]) {
    const state = await readState<ServiceState>(service.name);
    if (!state || !service.logFiles) continue;
    const urls = [state.url, ...Object.values(state.urls ?? {}), ...((state as { nodes?: { url: string }[] }).nodes ?? []).map((n) => n.url)];
    if (urls.some((u) => endpointsOf(u).some((e) => wanted.has(e)))) found.push({ service, state });
  }
  return found;
}

/** Note where each log of the broker behind `brokerUrl` stands now. */
export async function markBrokerLogs(brokerUrl: string): Promise<LogMark[]> {
  const marks: LogMark[] = [];
  for (const { service, state } of await servicesBehind(brokerUrl)) {
    for (const file of service.logFiles!(state)) marks.push({ service: service.name, file, offset: (await stat(file).catch(() => undefined))?.size ?? 0 });
  }
  return marks;
}

/**
 * Copy what each marked log gained since its mark into `<reportDir>/broker-logs/`; returns the
 * copies' paths relative to reportDir. A log that shrank (rotated) is copied whole.
 */
export async function saveBrokerLogs(marks: readonly LogMark[], reportDir: string): Promise<string[]> {
  const saved: string[] = [];
  for (const mark of marks) {
    const size = (await stat(mark.file).catch(() => undefined))?.size;
    if (size === undefined) continue;
    const from = size >= mark.offset ? mark.offset : 0;
    if (size === from) continue;
    const name = join("broker-logs", logName(mark.service, mark.file, marks.filter((m) => m.service === mark.service).map((m) => m.file)));
    await mkdir(join(reportDir, "broker-logs"), { recursive: true });
    await copyRange(mark.file, join(reportDir, name), from, size);
    saved.push(name);
  }
  return saved;
}

/** `<service>-<file name>`, with the node's directory too where a cluster's nodes share a file name (n1-server.log). */
export function logName(service: string, file: string, siblings: readonly string[]): string {
  const shared = siblings.filter((f) => basename(f) === basename(file)).length > 1;
  return `${service}-${shared ? `${basename(dirname(file))}-` : ""}${basename(file)}`;
}

async function copyRange(src: string, dest: string, from: number, to: number): Promise<void> {
  const input = await open(src, "r");
  const output = await open(dest, "w");
  try {
    const chunk = Buffer.alloc(64 * 1024);
    for (let pos = from; pos < to; ) {
      const { bytesRead } = await input.read(chunk, 0, Math.min(chunk.length, to - pos), pos);
      if (bytesRead === 0) break;
      await output.write(chunk, 0, bytesRead);
      pos += bytesRead;
    }
  } finally {
    await input.close();
    await output.close();
  }
}

/** Where `brokers down` keeps the logs of stopped services. */
export function logArchiveDir(): string {
  return join(gauntletCache(), "logs");
}

/** Keep a stopping service's logs in the archive; returns the kept files (newest ARCHIVE_KEEP stay). */
export async function archiveLogs(service: LocalService<ServiceState>, state: ServiceState, now = new Date()): Promise<string[]> {
  if (!service.logFiles) return [];
  const dir = logArchiveDir();
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\..*$/, "").replace("T", "-");
  const kept: string[] = [];
  for (const file of service.logFiles(state)) {
    if (!((await stat(file).catch(() => undefined))?.size)) continue; // missing or empty
    await mkdir(dir, { recursive: true });
    const dest = join(dir, `${stamp}-${logName(service.name, file, service.logFiles(state))}`);
    await copyFile(file, dest);
    kept.push(dest);
  }
  const all = (await readdir(dir).catch(() => [] as string[])).sort();
  for (const old of all.slice(0, Math.max(0, all.length - ARCHIVE_KEEP))) await rm(join(dir, old), { force: true });
  return kept.filter((f) => existsSync(f));
}
