import type { StartedTestContainer } from "testcontainers";
import { freePort } from "../local/free-port.js";
import { requireDocker } from "./docker.js";

/** A broker in a container started by testcontainers (removed by stop(), or by its reaper). */
export interface ContainerBroker {
  /** The URL to pass as --broker. */
  url: string;
  container: StartedTestContainer;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

function wrap(url: string, container: StartedTestContainer): ContainerBroker {
  const stop = async () => {
    await container.stop();
  };
  return { url, container, stop, [Symbol.asyncDispose]: stop };
}

/** RabbitMQ 3.13 with a 3 s consumer_timeout checked every second (the lock the suites exercise). */
export async function startRabbitMqContainer(image = "rabbitmq:3.13-management"): Promise<ContainerBroker> {
  await requireDocker();
  const { GenericContainer, Wait } = await import("testcontainers");
  const container = await new GenericContainer(image)
    .withExposedPorts(5672)
    .withEnvironment({ RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: "-rabbit consumer_timeout 3000 -rabbit channel_tick_interval 1000 -rabbit loopback_users []" })
    .withWaitStrategy(Wait.forLogMessage(/Server startup complete/))
    .start();
  return wrap(`amqp://guest:guest@${container.getHost()}:${container.getMappedPort(5672)}`, container);
}

/**
 * Kafka 4.1 in KRaft mode. The advertised listener must carry the host port, so the port is
 * chosen first and bound explicitly rather than mapped at random.
 */
export async function startKafkaContainer(image = "apache/kafka:4.1.0"): Promise<ContainerBroker> {
  await requireDocker();
  const { GenericContainer, Wait } = await import("testcontainers");
  const port = await freePort();
  const container = await new GenericContainer(image)
    .withExposedPorts({ container: 9092, host: port })
    .withEnvironment({
      KAFKA_NODE_ID: "1",
      KAFKA_PROCESS_ROLES: "broker,controller",
      KAFKA_LISTENERS: "PLAINTEXT://:9092,BROKER://:9093,CONTROLLER://:9094",
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${port},BROKER://localhost:9093`,
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: "PLAINTEXT:PLAINTEXT,BROKER:PLAINTEXT,CONTROLLER:PLAINTEXT",
      KAFKA_INTER_BROKER_LISTENER_NAME: "BROKER",
      KAFKA_CONTROLLER_LISTENER_NAMES: "CONTROLLER",
      KAFKA_CONTROLLER_QUORUM_VOTERS: "1@localhost:9094",
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: "1",
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: "1",
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: "1",
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: "0",
    })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started|started \(kafka\.server\.KafkaRaftServer\)/))
    .withStartupTimeout(120_000)
    .start();
  return wrap(`kafka://127.0.0.1:${port}`, container);
}

/** Toxiproxy 2.12; its API URL is returned (proxies are created by the fault layer). */
export async function startToxiproxyContainer(image = "ghcr.io/shopify/toxiproxy:2.12.0"): Promise<ContainerBroker> {
  await requireDocker();
  const { GenericContainer, Wait } = await import("testcontainers");
  const container = await new GenericContainer(image).withExposedPorts(8474).withWaitStrategy(Wait.forHttp("/version", 8474)).start();
  return wrap(`http://${container.getHost()}:${container.getMappedPort(8474)}`, container);
}
