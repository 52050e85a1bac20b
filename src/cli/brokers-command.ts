import { spawnSync } from "node:child_process";
import { UsageError } from "../core/errors.js";
import { RABBITMQ_INSTALL, type RabbitMqNodeState, rabbitMqInstalled, startRabbitMqNode, stopRabbitMqNode } from "../brokers/local/rabbitmq-node.js";
import { alive, clearState, readState, writeState } from "../brokers/local/state.js";

const KNOWN = ["rabbitmq", "kafka", "toxiproxy"] as const;
const AVAILABLE = ["rabbitmq"];

interface BrokerStatus {
  name: string;
  installed: boolean;
  running: boolean;
  url?: string;
  pid?: number;
  dir?: string;
  note?: string;
}

function pick(names: string[]): string[] {
  for (const n of names) {
    if (!(KNOWN as readonly string[]).includes(n)) throw new UsageError(`unknown broker "${n}"`, `expected one of ${KNOWN.join(", ")}`);
  }
  return names.length ? names : AVAILABLE;
}

function notYet(name: string): never {
  throw new UsageError(`brokers: ${name} is not available in this version`, "rabbitmq is; Kafka and toxiproxy provisioning are being added (docker-compose.yml has both for Docker users)");
}

/** `gauntlet brokers install|up|down|status [names]`: local, Docker-free brokers. */
export async function brokersCommand(action: string, names: string[], options: { json?: boolean }): Promise<number> {
  const chosen = pick(names);
  switch (action) {
    case "install":
      for (const name of chosen) (name === "rabbitmq" ? installRabbitMq() : notYet(name));
      return 0;
    case "up":
      for (const name of chosen) {
        if (name !== "rabbitmq") notYet(name);
        const running = await readState<RabbitMqNodeState>("rabbitmq");
        if (running && alive(running.pid)) {
          process.stdout.write(`rabbitmq already up: ${running.url}\n`);
          continue;
        }
        const node = await startRabbitMqNode({ keepRunning: true });
        await writeState("rabbitmq", node.state);
        process.stdout.write(`rabbitmq up: ${node.url}  (data in ${node.dir})\n`);
      }
      return 0;
    case "down":
      for (const name of chosen) {
        const state = name === "rabbitmq" ? await readState<RabbitMqNodeState>(name) : undefined;
        if (state) await stopRabbitMqNode(state);
        await clearState(name);
        process.stdout.write(`${name} down\n`);
      }
      return 0;
    case "status": {
      const statuses: BrokerStatus[] = [];
      for (const name of KNOWN) statuses.push(await statusOf(name));
      if (options.json) process.stdout.write(`${JSON.stringify({ brokers: statuses }, null, 2)}\n`);
      else for (const s of statuses) process.stdout.write(`${s.name.padEnd(10)} installed: ${s.installed ? "yes" : "no "}  running: ${s.running ? `yes  ${s.url}` : "no"}${s.note ? `  (${s.note})` : ""}\n`);
      return 0;
    }
    default:
      throw new UsageError(`brokers: unknown action "${action}"`, "expected install, up, down or status");
  }
}

async function statusOf(name: (typeof KNOWN)[number]): Promise<BrokerStatus> {
  if (name !== "rabbitmq") return { name, installed: false, running: false, note: "not available in this version" };
  const state = await readState<RabbitMqNodeState>(name);
  const running = state !== undefined && alive(state.pid);
  return { name, installed: rabbitMqInstalled(), running, ...(running ? { url: state.url, pid: state.pid, dir: state.dir } : {}) };
}

function installRabbitMq(): void {
  if (rabbitMqInstalled()) {
    process.stdout.write("rabbitmq: already installed (Debian rabbitmq-server)\n");
    return;
  }
  if (process.getuid?.() !== 0) throw new UsageError("installing rabbitmq-server needs root", `run: sudo ${RABBITMQ_INSTALL}`);
  process.stdout.write("rabbitmq: installing Debian's rabbitmq-server (apt-get)...\n");
  for (const args of [["update", "-qq"], ["install", "-y", "-qq", "rabbitmq-server"]]) {
    const r = spawnSync("apt-get", args, { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
    if (r.status !== 0) throw new UsageError(`apt-get ${args.join(" ")} failed (exit ${r.status})`, RABBITMQ_INSTALL);
  }
}
