import type { EnvironmentFamily } from "../../core/environment.js";
import { LEADER_FAULTS, NETWORK_FAULTS, PARTITION_FAULTS, PROCESS_FAULTS, protocolFaultsOf } from "../../core/faults.js";
import { parseAmqpUrl } from "../../drivers/amqp/settings.js";
import { openAmqpBenchClient } from "./bench-client.js";
import { startAmqpEnvironment } from "./environment.js";
import { rabbitNativeTool } from "./native.js";
import { amqpThroughProxies } from "./rtt.js";

/** amqp://: RabbitMQ over AMQP 0-9-1 through amqplib; `gauntlet brokers up rabbitmq` runs one locally. */
export const amqpFamily: EnvironmentFamily = {
  scheme: "amqp",
  description: "RabbitMQ over AMQP 0-9-1 (amqplib)",
  localService: "rabbitmq",
  // partition-* and *-leader need a cluster from `gauntlet brokers up rabbitmq --nodes 3` (cluster-environment.ts says so).
  faults: [...NETWORK_FAULTS, ...PROCESS_FAULTS, ...PARTITION_FAULTS, ...LEADER_FAULTS, ...protocolFaultsOf("amqp-0-9-1")],
  validate: (url) => void parseAmqpUrl(url),
  start: startAmqpEnvironment,
  bench: { open: openAmqpBenchClient, throughProxies: amqpThroughProxies, native: rabbitNativeTool },
};
