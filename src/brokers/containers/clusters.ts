import { randomBytes, randomUUID } from "node:crypto";
import type { StartedNetwork, StartedTestContainer } from "testcontainers";
import { freePort } from "../local/free-port.js";
import { requireDocker } from "./docker.js";

/** N brokers on one Docker network of their own (testcontainers), each reachable from the host. */
export interface ContainerCluster {
  /** The URL to pass as --broker (every node, for Kafka; the first node, for RabbitMQ). */
  url: string;
  /** One URL per node, in node order. */
  nodeUrls: string[];
  containers: StartedTestContainer[];
  network: StartedNetwork;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

async function wrap(url: string, nodeUrls: string[], containers: StartedTestContainer[], network: StartedNetwork): Promise<ContainerCluster> {
  const stop = async () => {
    await Promise.all(containers.map((c) => c.stop().catch(() => {})));
    await network.stop().catch(() => {});
  };
  return { url, nodeUrls, containers, network, stop, [Symbol.asyncDispose]: stop };
}

/**
 * Kafka (KRaft) on N containers, every node broker and controller, as `gauntlet brokers up kafka
 * --nodes N` runs it without Docker: nodes talk to each other by network alias (`kafka-<i>`),
 * and each advertises a host port bound up front for the clients. Internal topics replicate to
 * min(3, N). Without a Docker engine: exit 4 within seconds, naming the local way.
 */
export async function startKafkaContainerCluster(nodes = 3, image = "apache/kafka:4.1.0"): Promise<ContainerCluster> {
  await requireDocker();
  const { GenericContainer, Network, Wait } = await import("testcontainers");
  const network = await new Network().start();
  const ports = await Promise.all(Array.from({ length: nodes }, () => freePort()));
  const voters = ports.map((_, i) => `${i + 1}@kafka-${i + 1}:9094`).join(",");
  const clusterId = randomUUID().replace(/-/g, "").slice(0, 22);
  const rf = String(Math.min(3, nodes));
  const started: StartedTestContainer[] = [];
  try {
    const starting = ports.map((port, i) =>
      new GenericContainer(image)
        .withNetwork(network)
        .withNetworkAliases(`kafka-${i + 1}`)
        .withExposedPorts({ container: 9092, host: port })
        .withEnvironment({
          CLUSTER_ID: clusterId,
          KAFKA_NODE_ID: String(i + 1),
          KAFKA_PROCESS_ROLES: "broker,controller",
          KAFKA_LISTENERS: "PLAINTEXT://:9092,BROKER://:9093,CONTROLLER://:9094",
          KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${port},BROKER://kafka-${i + 1}:9093`,
          KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: "PLAINTEXT:PLAINTEXT,BROKER:PLAINTEXT,CONTROLLER:PLAINTEXT",
          KAFKA_INTER_BROKER_LISTENER_NAME: "BROKER",
          KAFKA_CONTROLLER_LISTENER_NAMES: "CONTROLLER",
          KAFKA_CONTROLLER_QUORUM_VOTERS: voters,
          KAFKA_DEFAULT_REPLICATION_FACTOR: rf,
          KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: rf,
          KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: rf,
          KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: String(Math.min(2, nodes)),
          KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: "0",
        })
        .withWaitStrategy(Wait.forLogMessage(/Kafka Server started|started \(kafka\.server\.KafkaRaftServer\)/))
        .withStartupTimeout(180_000)
        .start()
        .then((c) => (started.push(c), c)),
    );
    // All at once: a KRaft quorum needs a majority of its voters before any node is ready.
    const containers = await Promise.all(starting);
    const nodeUrls = ports.map((p) => `kafka://127.0.0.1:${p}`);
    return wrap(`kafka://${ports.map((p) => `127.0.0.1:${p}`).join(",")}`, nodeUrls, containers, network);
  } catch (err) {
    await Promise.all(started.map((c) => c.stop().catch(() => {})));
    await network.stop().catch(() => {});
    throw err;
  }
}

/**
 * RabbitMQ on N containers clustered at boot (classic peer discovery by hostname, one Erlang
 * cookie), quorum queues replicated over all of them. Without a Docker engine: exit 4 within
 * seconds, naming the local way.
 */
export async function startRabbitMqContainerCluster(nodes = 3, image = "rabbitmq:3.13-management"): Promise<ContainerCluster> {
  await requireDocker();
  const { GenericContainer, Network, Wait } = await import("testcontainers");
  const network = await new Network().start();
  const cookie = randomBytes(16).toString("hex");
  const names = Array.from({ length: nodes }, (_, i) => `rabbit${i + 1}`);
  const conf = [
    "loopback_users = none",
    "cluster_partition_handling = pause_minority",
    "cluster_formation.peer_discovery_backend = classic_config",
    ...names.map((n, i) => `cluster_formation.classic_config.nodes.${i + 1} = rabbit@${n}`),
    "",
  ].join("\n");
  const started: StartedTestContainer[] = [];
  try {
    const containers = await Promise.all(
      names.map((name) =>
        new GenericContainer(image)
          .withNetwork(network)
          .withHostname(name)
          .withNetworkAliases(name)
          .withExposedPorts(5672, 15672)
          .withEnvironment({ RABBITMQ_ERLANG_COOKIE: cookie })
          .withCopyContentToContainer([{ content: conf, target: "/etc/rabbitmq/rabbitmq.conf" }])
          .withWaitStrategy(Wait.forLogMessage(/Server startup complete/))
          .withStartupTimeout(180_000)
          .start()
          .then((c) => (started.push(c), c)),
      ),
    );
    const nodeUrls = containers.map((c) => `amqp://guest:guest@${c.getHost()}:${c.getMappedPort(5672)}`);
    return wrap(nodeUrls[0]!, nodeUrls, containers, network);
  } catch (err) {
    await Promise.all(started.map((c) => c.stop().catch(() => {})));
    await network.stop().catch(() => {});
    throw err;
  }
}
