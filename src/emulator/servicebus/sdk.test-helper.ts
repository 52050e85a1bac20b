/** Shared setup for tests that drive the emulator through the real @azure/service-bus SDK. */
import { ServiceBusClient, type ServiceBusClientOptions } from "@azure/service-bus";
import { afterAll, beforeAll } from "vitest";
import { type EmulatorEntitySpec, type ServiceBusEmulator, startServiceBusEmulator, type ServiceBusEmulatorOptions } from "./index.js";

/** Short SDK timeouts so a failing expectation fails fast instead of waiting 60 s. */
export const FAST_RETRY: ServiceBusClientOptions = { retryOptions: { maxRetries: 1, retryDelayInMs: 50, timeoutInMs: 5000 } };

export interface EmulatorFixture {
  emulator: ServiceBusEmulator;
  client: ServiceBusClient;
  newClient(options?: ServiceBusClientOptions): ServiceBusClient;
}

/** Start one emulator (and one client) for a describe block; everything is closed afterwards. */
export function useEmulator(entities: EmulatorEntitySpec[], options: Omit<ServiceBusEmulatorOptions, "entities"> = {}): EmulatorFixture {
  const clients: ServiceBusClient[] = [];
  const fixture = {} as EmulatorFixture;
  beforeAll(async () => {
    fixture.emulator = await startServiceBusEmulator({ ...options, entities });
    fixture.newClient = (o = FAST_RETRY) => {
      const c = new ServiceBusClient(fixture.emulator.connectionString, o);
      clients.push(c);
      return c;
    };
    fixture.client = fixture.newClient();
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => {})));
    await fixture.emulator?.stop();
  });
  return fixture;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Unique entity names per test keep tests independent inside one emulator. */
let counter = 0;
export const uniqueName = (prefix: string) => `${prefix}-${++counter}`;
