/**
 * Brokers in containers through testcontainers, for users who have a Docker engine (CI with
 * Docker, laptops). Without one, every function fails within seconds with exit 4 and the local
 * alternative (`gauntlet brokers up`). Usage in a test:
 *
 *   await using kafka = await startKafkaContainer();
 *   // gauntlet run --broker kafka.url ...
 */
export { type ContainerBroker, startKafkaContainer, startRabbitMqContainer, startToxiproxyContainer } from "./brokers.js";
export { type ContainerCluster, startKafkaContainerCluster, startRabbitMqContainerCluster } from "./clusters.js";
export { LOCAL_ALTERNATIVE, requireDocker } from "./docker.js";
