import type { EnvironmentFamily } from "../../core/environment.js";
import { LEADER_FAULTS, NETWORK_FAULTS, PARTITION_FAULTS, PROCESS_FAULTS, protocolFaultsOf } from "../../core/faults.js";
import { parseKafkaUrl } from "../../drivers/kafka/settings.js";
import { openKafkaBenchClient } from "./bench-client.js";
import { startKafkaEnvironment } from "./environment.js";
import { kafkaNativeTool } from "./native.js";
import { kafkaThroughProxies } from "./rtt.js";

/** kafka://: Apache Kafka through kafkajs (or @platformatic/kafka); `gauntlet brokers up kafka` runs one locally. */
export const kafkaFamily: EnvironmentFamily = {
  scheme: "kafka",
  description: "Apache Kafka (kafkajs)",
  hostLists: true,
  localService: "kafka",
  faults: [...NETWORK_FAULTS, ...PROCESS_FAULTS, ...protocolFaultsOf("kafka"), ...PARTITION_FAULTS, ...LEADER_FAULTS],
  validate: (url) => void parseKafkaUrl(url),
  start: startKafkaEnvironment,
  bench: { open: (redacted, url) => openKafkaBenchClient(redacted, url), throughProxies: kafkaThroughProxies, native: kafkaNativeTool },
};
