import { ServiceBusClient } from "@azure/service-bus";
import { describe, expect, it } from "vitest";
import { type EmulatorEntitySpec, startServiceBusEmulator } from "./index.js";

// A session entity's dead-letter queue is not session-enabled: a plain receiver reads it (found by a test plan's dead-letter claim).
describe("dead-letter queue of a session entity", () => {
  const cases: [string, EmulatorEntitySpec[], string[]][] = [
    ["queue", [{ kind: "queue", name: "q", maxDeliveryCount: 2, requiresSession: true }], ["q"]],
    ["subscription", [{ kind: "topic", name: "t", subscriptions: [{ name: "s", maxDeliveryCount: 2, requiresSession: true }] }], ["t", "s"]],
  ];
  for (const [label, entities, path] of cases) {
    it(`holds what a session receiver dead-lettered, for a plain receiver (${label})`, async () => {
      const em = await startServiceBusEmulator({ entities: [...entities], sessionWaitCapMs: 50 });
      const c = new ServiceBusClient(em.connectionString);
      try {
        await c.createSender(path[0]!).sendMessages({ body: "x", messageId: "m1", sessionId: "k" });
        const r = path.length === 1 ? await c.acceptSession(path[0]!, "k") : await c.acceptSession(path[0]!, path[1]!, "k");
        const [m] = await r.receiveMessages(1, { maxWaitTimeInMs: 1000 });
        await r.deadLetterMessage(m!, { deadLetterReason: "poison", deadLetterErrorDescription: "test" });
        await r.close();
        const opts = { subQueueType: "deadLetter" as const, receiveMode: "receiveAndDelete" as const };
        const d = path.length === 1 ? c.createReceiver(path[0]!, opts) : c.createReceiver(path[0]!, path[1]!, opts);
        const got = await d.receiveMessages(5, { maxWaitTimeInMs: 1000 });
        expect(got.map((x) => [x.messageId, x.deadLetterReason, x.sessionId])).toEqual([["m1", "poison", "k"]]);
      } finally {
        await c.close();
        await em.stop();
      }
    });
  }
});
