import type { Checker } from "../core/checker.js";
import type { FaultValue, History } from "../core/history.js";
import { viewOf } from "./view.js";

/**
 * Did the run's cluster faults bite? Reads the nemesis windows (ok `fault` stops) and counts
 * partitions the broker observed and windows across which the queue's leader changed. Never
 * fails a run (a fault that did not bite is no broker bug); its reason says what was tested, so
 * a green verdict is not mistaken for a tested failover.
 */
export const failover: Checker = {
  name: "failover",
  description: "reports whether partitions were observed by the broker and whether leaders changed (a run where no fault bit says so)",
  anomalies: [],
  check(history: History, context) {
    let windows = 0;
    let partitions = 0;
    let observed = 0;
    let leaderFaults = 0;
    let leaderChanged = 0;
    // The view lists every fault op (it is shared and built once): no scan of the whole history.
    for (const op of viewOf(history, context).faults) {
      if (op.type !== "ok") continue;
      const value = op.value as FaultValue;
      if (value.phase !== "stop") continue;
      windows++;
      const detail = value.detail ?? {};
      if (value.name.startsWith("partition-")) {
        partitions++;
        if (detail.observed === true) observed++;
      }
      if ("leaderChanged" in detail) {
        leaderFaults++;
        if (detail.leaderChanged === true) leaderChanged++;
      }
    }
    const bit = observed + leaderChanged > 0;
    const reason =
      windows === 0
        ? "no fault window closed: this run tested no failover"
        : `${bit ? "faults bit" : "NO fault bit (no partition observed, no leader change): not a tested failover"}: partitions observed ${observed}/${partitions}, leader changed in ${leaderChanged}/${leaderFaults} windows`;
    return { valid: true, anomalies: {}, counts: {}, stats: { windows, partitions, partitionsObserved: observed, leaderWindows: leaderFaults, leaderChanges: leaderChanged }, reason };
  },
};
