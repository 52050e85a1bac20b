import type { ProcessControl } from "../../core/faults.js";
import { type KafkaNodeState, signalNode, startKafkaNode, stopKafkaNode } from "./kafka-node.js";
import { writeState } from "./state.js";

/**
 * Process faults for a Kafka node Gauntlet started. A restart gets a new pid, recorded in the
 * shared state file so `gauntlet brokers down` still finds the node.
 */
export function kafkaProcessControl(state: KafkaNodeState, shared: boolean): ProcessControl {
  const bringBack = async () => {
    const node = await startKafkaNode({ reuse: state, keepRunning: true });
    state.pid = node.state.pid;
    if (shared) await writeState("kafka", state);
  };
  return {
    async kill() {
      await signalNode(state, "SIGKILL");
      await stopKafkaNode(state, { keepData: true }); // waits until the process is gone
      return bringBack;
    },
    async pause() {
      await signalNode(state, "SIGSTOP");
      return () => signalNode(state, "SIGCONT");
    },
    async restart() {
      await stopKafkaNode(state, { keepData: true });
      return bringBack;
    },
  };
}
