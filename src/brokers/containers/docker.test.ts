import { describe, expect, it } from "vitest";
import { InfrastructureError } from "../../core/errors.js";
import { startKafkaContainer, startKafkaContainerCluster, startRabbitMqContainer, startRabbitMqContainerCluster } from "./index.js";

// This machine has no Docker engine: the container path must say so quickly and name the local way.
describe.skipIf(Boolean(process.env.DOCKER_HOST))("testcontainers environment without a Docker engine", () => {
  it.each([
    ["RabbitMQ", startRabbitMqContainer],
    ["Kafka", startKafkaContainer],
    ["a 3-node RabbitMQ cluster", () => startRabbitMqContainerCluster(3)],
    ["a 3-node Kafka cluster", () => startKafkaContainerCluster(3)],
  ])("%s fails fast with exit 4 and names gauntlet brokers up", async (_name, start) => {
    const began = Date.now();
    const error = await start().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(InfrastructureError);
    expect((error as InfrastructureError).exitCode).toBe(4);
    expect(String((error as InfrastructureError).fix)).toMatch(/gauntlet brokers up/);
    expect(Date.now() - began).toBeLessThan(10_000);
  });
});
