import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { UsageError } from "../../core/errors.js";
import { RABBITMQ_INSTALL, type RabbitMqNodeState, rabbitMqInstalled, startRabbitMqNode, stopRabbitMqNode } from "./rabbitmq-node.js";
import type { LocalService } from "./service.js";

/** RabbitMQ from Debian's rabbitmq-server, run as private nodes (see rabbitmq-node.ts). */
export const rabbitmqService: LocalService<RabbitMqNodeState> = {
  name: "rabbitmq",
  installHint: RABBITMQ_INSTALL,
  installed: rabbitMqInstalled,
  location: () => (rabbitMqInstalled() ? "/usr/lib/rabbitmq (Debian rabbitmq-server)" : undefined),
  async install(log) {
    if (rabbitMqInstalled()) {
      log("rabbitmq: already installed (Debian rabbitmq-server)");
      return;
    }
    if (process.getuid?.() !== 0) throw new UsageError("installing rabbitmq-server needs root", `run: sudo ${RABBITMQ_INSTALL}`);
    log("rabbitmq: installing Debian's rabbitmq-server (apt-get)...");
    for (const args of [["update", "-qq"], ["install", "-y", "-qq", "rabbitmq-server"]]) {
      const r = spawnSync("apt-get", args, { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
      if (r.status !== 0) throw new UsageError(`apt-get ${args.join(" ")} failed (exit ${r.status})`, RABBITMQ_INSTALL);
    }
  },
  async start() {
    const node = await startRabbitMqNode({ keepRunning: true });
    return node.state;
  },
  stop: stopRabbitMqNode,
  // The node writes <node>.log and, on some versions, <node>_upgrade.log.
  logFiles: (state) => readdirOr(join(state.dir, "log")).filter((f) => f.endsWith(".log")).map((f) => join(state.dir, "log", f)),
};

function readdirOr(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}
