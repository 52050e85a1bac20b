import { UsageError } from "../core/errors.js";
import type { LocalService, ServiceState } from "../brokers/local/service.js";
import { KNOWN_SERVICES, LOCAL_SERVICES, serviceByName } from "../brokers/local/services.js";
import { alive, clearState, readState, writeState } from "../brokers/local/state.js";
import { archiveLogs } from "../brokers/local/broker-logs.js";

interface BrokerStatus {
  name: string;
  installed: boolean;
  running: boolean;
  location?: string;
  url?: string;
  urls?: Record<string, string>;
  pid?: number;
  dir?: string;
  /** The running instance's log files. */
  logs?: string[];
  note?: string;
}

function pick(names: string[]): LocalService<ServiceState>[] {
  if (!names.length) return [...LOCAL_SERVICES];
  return names.map((n) => {
    const service = serviceByName(n);
    if (service) return service;
    if ((KNOWN_SERVICES as readonly string[]).includes(n)) {
      throw new UsageError(`brokers: ${n} is not available in this version`, `available: ${LOCAL_SERVICES.map((s) => s.name).join(", ")} (docker-compose.yml has the others for Docker users)`);
    }
    throw new UsageError(`unknown broker "${n}"`, `expected one of ${KNOWN_SERVICES.join(", ")}`);
  });
}

const say = (line: string) => process.stdout.write(`${line}\n`);

/** `gauntlet brokers install|up|down|status [names]`: local, Docker-free brokers and toxiproxy. */
export async function brokersCommand(action: string, names: string[], options: { json?: boolean }): Promise<number> {
  switch (action) {
    case "install":
      for (const service of pick(names)) await service.install(say);
      return 0;
    case "up":
      for (const service of pick(names)) await up(service);
      return 0;
    case "down":
      // Stop in reverse order: the proxy before the brokers behind it.
      for (const service of pick(names).reverse()) {
        const state = await readState<ServiceState>(service.name);
        const kept = state ? await archiveLogs(service, state) : [];
        if (state) await service.stop(state);
        await clearState(service.name);
        say(`${service.name} down${kept.length ? `  (log kept: ${kept.join(", ")})` : ""}`);
      }
      return 0;
    case "status": {
      const statuses = await Promise.all(KNOWN_SERVICES.map(statusOf));
      if (options.json) say(JSON.stringify({ brokers: statuses }, null, 2));
      else for (const s of statuses) say(`${s.name.padEnd(10)} installed: ${s.installed ? "yes" : "no "}  running: ${s.running ? `yes  ${s.url}` : "no"}${s.note ? `  (${s.note})` : ""}`);
      return 0;
    }
    default:
      throw new UsageError(`brokers: unknown action "${action}"`, "expected install, up, down or status");
  }
}

async function up(service: LocalService<ServiceState>): Promise<void> {
  const running = await readState<ServiceState>(service.name);
  if (running && alive(running.pid)) {
    say(`${service.name} already up: ${running.url}`);
    return;
  }
  if (running) {
    // A crashed instance: keep its log (it says why), then clean its directory.
    const kept = await archiveLogs(service, running);
    await service.stop(running);
    if (kept.length) say(`${service.name}: the previous instance had died; its log is kept: ${kept.join(", ")}`);
  }
  if (!service.installed()) throw new UsageError(`${service.name} is not installed`, `run: npx gauntlet brokers install ${service.name}   (or: ${service.installHint})`);
  const state = await service.start();
  await writeState(service.name, state);
  say(`${service.name} up: ${state.url}  (data in ${state.dir})`);
}

async function statusOf(name: string): Promise<BrokerStatus> {
  const service = serviceByName(name);
  if (!service) return { name, installed: false, running: false, note: "not available in this version" };
  const state = await readState<ServiceState>(name);
  const running = state !== undefined && alive(state.pid);
  const location = service.location();
  return {
    name,
    installed: service.installed(),
    running,
    ...(location ? { location } : {}),
    ...(running ? { url: state.url, ...(state.urls ? { urls: state.urls } : {}), pid: state.pid, dir: state.dir, ...(service.logFiles ? { logs: service.logFiles(state) } : {}) } : {}),
  };
}
