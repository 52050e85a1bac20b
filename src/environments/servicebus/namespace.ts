import { randomBytes } from "node:crypto";
import { ServiceBusAdministrationClient } from "@azure/service-bus";
import type { EntitySpec } from "../../core/entities.js";
import type { ProvisionedNamespace } from "../../drivers/servicebus/namespace.js";
import { type ServiceBusEmulator, startServiceBusEmulator } from "../../emulator/servicebus/index.js";
import { describeModels, withNative } from "./native.js";

/**
 * How long the per-scenario emulator holds an accept-next-session open when no session is free:
 * about as long as an empty receive waits, so an idle session consumer costs what an idle plain
 * consumer costs instead of the client's whole operation timeout.
 */
export const SCENARIO_SESSION_WAIT_MS = 50;

/** One embedded emulator per scenario, started with exactly its entities (in milliseconds) and a plan's native settings. */
export async function emulatorNamespace(entities: readonly EntitySpec[], onStarted?: (emulator: ServiceBusEmulator) => void): Promise<ProvisionedNamespace> {
  const emulator = await startServiceBusEmulator({ entities: entities.map(withNative), sessionWaitCapMs: SCENARIO_SESSION_WAIT_MS });
  onStarted?.(emulator);
  return { connectionString: emulator.connectionString, name: (n) => n, close: () => emulator.stop(), describe: async () => describeModels(emulator.entities) };
}

const ms = (n: number) => `PT${(n / 1000).toFixed(3)}S`;

/** Entities that already exist (a plan's useExisting): named verbatim; nothing is created, and nothing deleted on close. */
export function existingNamespace(connectionString: string): ProvisionedNamespace {
  return { connectionString, name: (n) => n, close: async () => {} };
}

/** A real namespace: entities created with a run prefix through the administration API, deleted on close. */
export async function cloudNamespace(connectionString: string, entities: readonly EntitySpec[]): Promise<ProvisionedNamespace> {
  const admin = new ServiceBusAdministrationClient(connectionString);
  const prefix = `gauntlet-${randomBytes(3).toString("hex")}-`;
  const created: { kind: "queue" | "topic"; name: string }[] = [];
  const settings = (s: { lockDurationMs?: number; maxDeliveryCount?: number; orderedKeys?: boolean }) => ({
    ...(s.lockDurationMs ? { lockDuration: ms(Math.max(5_000, s.lockDurationMs)) } : {}),
    ...(s.maxDeliveryCount ? { maxDeliveryCount: s.maxDeliveryCount } : {}),
    requiresSession: s.orderedKeys === true,
  });
  for (const e of entities) {
    const name = prefix + e.name;
    if (e.kind === "queue") {
      await admin.createQueue(name, { ...settings(e), ...(e.duplicateDetectionMs ? { requiresDuplicateDetection: true, duplicateDetectionHistoryTimeWindow: ms(Math.max(20_000, e.duplicateDetectionMs)) } : {}) });
      created.push({ kind: "queue", name });
    } else {
      await admin.createTopic(name);
      created.push({ kind: "topic", name });
      for (const s of e.subscriptions) await admin.createSubscription(name, s.name, settings(s));
    }
  }
  return {
    connectionString,
    name: (n) => prefix + n,
    close: async () => {
      for (const c of created) await (c.kind === "queue" ? admin.deleteQueue(c.name) : admin.deleteTopic(c.name)).catch(() => {});
    },
  };
}
