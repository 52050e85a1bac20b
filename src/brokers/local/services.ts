import { kafkaService } from "./kafka-service.js";
import { rabbitmqService } from "./rabbitmq-service.js";
import type { LocalService, ServiceState } from "./service.js";
import { toxiproxyService } from "./toxiproxy-service.js";

/** Every service `gauntlet brokers` manages, in start order (brokers before the proxy in front of them). */
export const LOCAL_SERVICES: readonly LocalService<ServiceState>[] = [
  rabbitmqService,
  kafkaService,
  toxiproxyService,
];

export const KNOWN_SERVICES = ["rabbitmq", "kafka", "toxiproxy"] as const;

export function serviceByName(name: string): LocalService<ServiceState> | undefined {
  return LOCAL_SERVICES.find((s) => s.name === name);
}
