import { join } from "node:path";
import { KAFKA_INSTALL, installKafka, kafkaHome, kafkaInstalled, parseKafkaVersion } from "./kafka-install.js";
import { type KafkaNodeState, startKafkaNode, stopKafkaNode } from "./kafka-node.js";
import type { LocalService } from "./service.js";

/** Kafka (KRaft, single node) from Maven Central jars; the version comes from GAUNTLET_KAFKA_VERSION. */
export const kafkaService: LocalService<KafkaNodeState> = {
  name: "kafka",
  installHint: KAFKA_INSTALL,
  installed: () => kafkaInstalled(parseKafkaVersion(undefined)),
  location: () => (kafkaInstalled(parseKafkaVersion(undefined)) ? kafkaHome(parseKafkaVersion(undefined)) : undefined),
  install: (log) => installKafka(parseKafkaVersion(undefined), log),
  async start() {
    const node = await startKafkaNode({ keepRunning: true, version: parseKafkaVersion(undefined) });
    return node.state;
  },
  stop: (state) => stopKafkaNode(state),
  logFiles: (state) => [join(state.dir, "server.log")],
};
