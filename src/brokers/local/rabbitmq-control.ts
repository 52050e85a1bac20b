import type { ProcessControl } from "../../core/faults.js";
import { waitUntil } from "./free-port.js";
import { type RabbitMqNodeState, startRabbitMqNode, stopRabbitMqNode } from "./rabbitmq-node.js";
import { alive, writeState } from "./state.js";

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/**
 * Process faults for a private RabbitMQ node from `gauntlet brokers up`. It comes back on the
 * same directory and ports, so durable queues and their messages survive; the new pid goes into
 * the shared state file so `gauntlet brokers down` still finds it.
 */
export function rabbitMqProcessControl(state: RabbitMqNodeState): ProcessControl {
  const bringBack = async () => {
    const node = await startRabbitMqNode({ reuse: state, keepRunning: true });
    state.pid = node.state.pid;
    await writeState("rabbitmq", state);
  };
  return {
    async kill() {
      signalGroup(state.pid, "SIGKILL");
      await waitUntil(async () => !alive(state.pid), 10_000, 50);
      return bringBack;
    },
    async pause() {
      signalGroup(state.pid, "SIGSTOP");
      return async () => signalGroup(state.pid, "SIGCONT");
    },
    async restart() {
      await stopRabbitMqNode(state, { keepData: true });
      return bringBack;
    },
  };
}
