import type { LoadedHandler } from "./handler.js";
import { jsonEqual } from "./json.js";
import { runReference } from "./run-schedule.js";
import type { CertifyMessage } from "./types.js";

/**
 * Are the handler's effects durable across a consumer restart? Reset, run the reference (each
 * message in order), take a snapshot, restart the consumer, take another: a handler that keeps
 * its effects only in memory loses them here, with no duplicate or redelivery involved.
 */
export async function effectsSurviveRestart(handler: LoadedHandler, messages: readonly CertifyMessage[]): Promise<boolean> {
  await handler.reset();
  const reference = await runReference(handler, messages);
  if (!reference.ok) return true;
  await handler.restart();
  const after = await handler.snapshot();
  return jsonEqual(reference.snapshot, after);
}
