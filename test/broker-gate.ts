import { afterAll, beforeAll, it } from "vitest";
import { KAFKA_INSTALL, kafkaInstalled } from "../src/brokers/local/kafka-install.js";
import { startKafkaNode } from "../src/brokers/local/kafka-node.js";
import { RABBITMQ_INSTALL, rabbitMqInstalled, startRabbitMqNode } from "../src/brokers/local/rabbitmq-node.js";

/**
 * Real-broker tests run when the broker is installed. Otherwise they are reported as skipped
 * with the exact install command, and GAUNTLET_REQUIRE_BROKERS=1 (set by .ci/run) turns that
 * skip into a failure, so CI can never pass by not testing.
 */
export function requireBroker(name: string, installed: boolean, install: string): boolean {
  if (installed) return true;
  const message = `${name} is not installed; install it with: ${install}`;
  if (process.env.GAUNTLET_REQUIRE_BROKERS === "1") {
    it(`${name} is installed (GAUNTLET_REQUIRE_BROKERS=1)`, () => {
      throw new Error(message);
    });
  } else {
    it.skip(`${name} tests skipped — ${message}`, () => {});
  }
  return false;
}

/** A broker node a describe block starts once and stops after its last test. */
export interface PrivateNode {
  /** Its client URL; read inside tests (the node starts in beforeAll). */
  readonly url: string;
  /** Its management API (http://127.0.0.1:port), where the node runs one (RabbitMQ). */
  readonly managementUrl: string | undefined;
}

/**
 * Gate on RabbitMQ being installed, then start a private node for the enclosing describe block.
 * Returns undefined when the tests are skipped: `const node = usePrivateRabbitMq(); if (!node) return;`.
 */
export function usePrivateRabbitMq(): PrivateNode | undefined {
  if (!requireBroker("RabbitMQ", rabbitMqInstalled(), RABBITMQ_INSTALL)) return undefined;
  return usePrivateNode(() => startRabbitMqNode());
}

/** The same for a private single-node KRaft Kafka. */
export function usePrivateKafka(): PrivateNode | undefined {
  if (!requireBroker("Kafka", kafkaInstalled(), KAFKA_INSTALL)) return undefined;
  return usePrivateNode(() => startKafkaNode());
}

/** Start a node in beforeAll and stop it in afterAll, for a block already gated with requireBroker. */
export function usePrivateNode(start: () => Promise<{ url: string; managementUrl?: string; stop(): Promise<void> }>): PrivateNode {
  let node: { url: string; managementUrl?: string; stop(): Promise<void> } | undefined;
  beforeAll(async () => {
    node = await start();
  }, 120_000);
  afterAll(async () => node?.stop());
  return {
    get url() {
      if (!node) throw new Error("the private broker node did not start (see the beforeAll error)");
      return node.url;
    },
    get managementUrl() {
      return node?.managementUrl;
    },
  };
}
