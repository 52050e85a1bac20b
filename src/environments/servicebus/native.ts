import type { EntitySpec } from "../../core/entities.js";
import type { EmulatorEntitySpec, EntityModel } from "../../emulator/servicebus/index.js";

/** A plan's native Service Bus settings (EmulatorExtras' words) spread over the entity for the emulator. */
export function withNative(e: EntitySpec): EmulatorEntitySpec {
  if (e.kind === "queue") return { ...e, ...(e.native ?? {}) } as EmulatorEntitySpec;
  return { ...e, ...(e.native ?? {}), subscriptions: e.subscriptions.map((s) => ({ ...s, ...(s.native ?? {}) })) } as EmulatorEntitySpec;
}

const ttl = (ms: number) => (Number.isFinite(ms) ? { defaultMessageTimeToLiveMs: ms } : {});

/** What the emulator holds for each address, in QueueSpec's words plus native ones (a read-back, not the request). */
export function describeModels(models: readonly EntityModel[]): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const m of models) {
    if (m.kind === "queue") {
      const s = m.settings;
      out[m.name] = {
        lockDurationMs: s.lockDurationMs,
        maxDeliveryCount: s.maxDeliveryCount,
        orderedKeys: s.requiresSession,
        ...(s.duplicateDetectionMs > 0 ? { duplicateDetectionMs: s.duplicateDetectionMs } : {}),
        native: { requiresSession: s.requiresSession, ...ttl(s.defaultTtlMs), deadLetteringOnMessageExpiration: s.deadLetterOnExpiration },
      };
      continue;
    }
    out[m.name] = { ...(m.settings.duplicateDetectionMs > 0 ? { duplicateDetectionMs: m.settings.duplicateDetectionMs } : {}), native: { ...ttl(m.settings.defaultTtlMs) } };
    for (const sub of m.subscriptions) {
      const s = sub.settings;
      out[`${m.name}/${sub.name}`] = {
        lockDurationMs: s.lockDurationMs,
        maxDeliveryCount: s.maxDeliveryCount,
        orderedKeys: s.requiresSession,
        native: { requiresSession: s.requiresSession, ...ttl(s.defaultTtlMs), deadLetteringOnMessageExpiration: s.deadLetterOnExpiration },
        filters: sub.rules.map((r) => ({ name: r.name, ...r.filter })),
      };
    }
  }
  return out;
}
