import { existsSync } from "node:fs";
import { InfrastructureError } from "../../core/errors.js";

/** The local, Docker-free way to get the same broker, named in every "no Docker" error. */
export const LOCAL_ALTERNATIVE = "without Docker, run the brokers as local processes: npx gauntlet brokers install && npx gauntlet brokers up";

/**
 * Fail within seconds when no container engine answers, instead of testcontainers' long probe
 * through every strategy. DOCKER_HOST (tcp or unix) and the default socket are checked by an
 * actual ping through testcontainers' own client.
 */
export async function requireDocker(timeoutMs = 5_000): Promise<void> {
  const host = process.env.DOCKER_HOST;
  const socket = "/var/run/docker.sock";
  if (!host && !existsSync(socket)) {
    throw new InfrastructureError(`no Docker engine: DOCKER_HOST is unset and ${socket} does not exist`, LOCAL_ALTERNATIVE);
  }
  const { getContainerRuntimeClient } = await import("testcontainers");
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref());
  try {
    await Promise.race([getContainerRuntimeClient(), timeout]);
  } catch (err) {
    throw new InfrastructureError(`no Docker engine answers at ${host ?? socket}: ${(err as Error).message}`, LOCAL_ALTERNATIVE);
  }
}
