import type { Checker } from "../core/checker.js";
import type { CrashValue, History } from "../core/history.js";
import { Findings } from "./findings.js";
import { viewOf } from "./view.js";

/**
 * Receive-and-delete is at-most-once: the broker deletes a message when it hands it out, so a
 * consumer that dies before processing loses it for good. The runner records those ids on the
 * crash op; this checker counts them and says so in its reason, so the loss is reported, not
 * hidden. It never fails a run: losing them is what receive-and-delete promises.
 */
export const atMostOnce: Checker = {
  name: "at-most-once",
  description: "messages deleted on receipt and lost with a crashed consumer are counted (receive-and-delete is at-most-once)",
  anomalies: ["lost-unprocessed"],
  check(history: History, context) {
    const f = new Findings();
    // The view lists every crash op (it is shared and built once): no scan of the whole history.
    for (const op of viewOf(history, context).crashOps) {
      if (op.type === "invoke") continue;
      for (const _id of (op.value as CrashValue | undefined)?.unprocessed ?? []) f.count("lost-unprocessed");
    }
    const lost = f.total("lost-unprocessed");
    const reason = lost > 0 ? `at-most-once: ${lost} message(s) were deleted on receipt and lost with a crashed consumer` : undefined;
    return f.result(true, { stats: { lostUnprocessed: lost }, ...(reason ? { reason } : {}) });
  },
};
