import { UsageError } from "../../core/errors.js";
import type { BenchClient } from "./types.js";

/**
 * servicebus:// and servicebus-emulator:// — the place for the Service Bus bench client.
 * Not implemented yet (the emulator is being built). When it is: sendOne = `sender.sendMessages(m)`,
 * sendBatch = `createMessageBatch()` + `tryAddMessage` + `sendMessages(batch)`, consumer =
 * `receiver.subscribe` in peek-lock with `completeMessage`; versions from @azure/service-bus.
 */
export async function openServiceBusBenchClient(scheme: string): Promise<BenchClient> {
  throw new UsageError(`bench: ${scheme}:// is not available yet`, "use memory://, amqp:// or kafka://; the Service Bus bench client comes with the emulator");
}
