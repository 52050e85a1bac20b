import type { Delivery, History, Op, ReceiveValue, RenewValue, SendValue, SettleOutcome, SettleValue } from "../core/history.js";
import type { SetupValue } from "../core/setup.js";

/** A completed (or never completed) operation: its invocation and completion side by side. */
export interface Paired {
  process: string;
  f: string;
  invoke: Op;
  /** Undefined when the run ended before the op completed (treat like info). */
  complete?: Op;
  /** "invoke" when never completed. */
  type: Op["type"];
}

export interface SendRecord {
  id: string;
  key?: string;
  target: string;
  /** Outcome of the send op carrying this message. */
  type: "ok" | "fail" | "info" | "invoke";
  retry: boolean;
  process: string;
  invokeIndex: number;
  invokeTime: number;
  completeIndex?: number;
  completeTime?: number;
  /** Position of the message within its batch. */
  position: number;
  /** Kafka: where the ok (or info, when it says) completion says the message was stored. */
  partition?: number;
  offset?: string;
}

export interface DeliveryRecord {
  delivery: Delivery;
  /** The entity address + DLQ flag this delivery came from. */
  copy: string;
  process: string;
  /** Index and time of the completion that reported it. */
  index: number;
  time: number;
  invokeTime: number;
  viaDrain: boolean;
  /** Receive mode of the op that got it (absent when the history does not say). */
  mode?: ReceiveValue["mode"];
}

export interface SettleRecord {
  outcome: SettleOutcome;
  id: string;
  entity: string;
  lockToken?: string;
  reason?: string;
  type: Op["type"];
  process: string;
  invokeIndex: number;
  invokeTime: number;
  completeIndex?: number;
  completeTime?: number;
}

export interface RenewRecord {
  id: string;
  entity: string;
  lockToken?: string;
  type: Op["type"];
  lockedUntil?: number;
  process: string;
  invokeIndex: number;
  invokeTime: number;
  completeIndex?: number;
  completeTime?: number;
}

/** A receive or drain that ended `info` or never completed: what it read is unknown. */
export interface UncertainRead {
  /** `entity` or `entity#dlq`. */
  source: string;
  /** History index of its invocation. */
  index: number;
  invokeTime: number;
  /** Completion time; Infinity when it never completed (it may still be running at the end). */
  endTime: number;
  /** True when it may have deleted what it took: a drain, receive-and-delete, or a receive whose mode the history does not say. */
  destructive: boolean;
}

/** Indexes over one run's history that every checker shares; built in one pass. */
export interface HistoryView {
  setup: SetupValue;
  /** index of the setup op, or -1 when the history has none. */
  setupIndex: number;
  ops: History;
  sends: SendRecord[];
  /** Every delivery in history order (receives and drains, main queue and DLQ). */
  deliveries: DeliveryRecord[];
  settles: SettleRecord[];
  renews: RenewRecord[];
  /** process → crash op (crash completions: type info). */
  crashes: Map<string, Op>;
  /** Every crash op (invocations and completions), so checkers that read them need not scan the history. */
  crashOps: Op[];
  /** Sources that a completed (ok) drain emptied: `entity` or `entity#dlq`. */
  drained: Set<string>;
  /** Source (`entity` or `entity#dlq`) → invoke time of its last ok drain. */
  drainTimes: Map<string, number>;
  /** Source → earliest invoke time of a receive or drain that ended info or never completed (its deliveries are unknown). */
  uncertainReads: Map<string, number>;
  /** Those receives and drains one by one, in history order (see checkers/indeterminate.ts for the shared rule). */
  uncertain: UncertainRead[];
  /** Source → latest invoke time of an ok drain (a drain that began after a send's ack can prove it lost). */
  lastDrainStart: Map<string, number>;
  /** Fault windows (start/stop op pairs by name): every fault op, invocations and completions. */
  faults: Op[];
  /** Time of the last op. */
  endTime: number;
}

/** Key of one copy of a message: at `entity`, or in its DLQ. */
export function copyKey(entity: string, dlq?: boolean): string {
  return dlq ? `${entity}#dlq` : entity;
}

/** Find the setup op's value, or infer a minimal setup (every target a queue). */
export function setupOf(history: History): { setup: SetupValue; index: number } {
  for (const op of history) {
    if (op.f === "setup" && op.type !== "invoke" && op.value) return { setup: op.value as SetupValue, index: op.index };
  }
  for (const op of history) {
    if (op.f === "setup" && op.value) return { setup: op.value as SetupValue, index: op.index };
  }
  const targets = new Set<string>();
  for (const op of history) if (op.f === "send" && op.value) targets.add((op.value as SendValue).target);
  return { setup: { broker: "unknown", entities: [...targets].map((name) => ({ kind: "queue" as const, name })) }, index: -1 };
}

/** Pair invocations with completions (one outstanding op per process). */
export function pairOps(history: History, visit: (pair: Paired) => void): void {
  const open = new Map<string, Op>();
  for (const op of history) {
    if (op.type === "invoke") {
      const prior = open.get(op.process);
      if (prior) visit({ process: prior.process, f: prior.f, invoke: prior, type: "invoke" });
      open.set(op.process, op);
      continue;
    }
    const inv = open.get(op.process);
    if (inv && inv.f === op.f) {
      open.delete(op.process);
      visit({ process: op.process, f: op.f, invoke: inv, complete: op, type: op.type });
    } else {
      // A completion without invocation (hand-written histories): treat it as its own invocation.
      visit({ process: op.process, f: op.f, invoke: op, complete: op, type: op.type });
    }
  }
  for (const inv of open.values()) visit({ process: inv.process, f: inv.f, invoke: inv, type: "invoke" });
}

/** Build the shared indexes in one pass. */
export function buildView(history: History, setupOverride?: SetupValue): HistoryView {
  const found = setupOf(history);
  const view: HistoryView = {
    setup: setupOverride ?? found.setup,
    setupIndex: found.index,
    ops: history,
    sends: [],
    deliveries: [],
    settles: [],
    renews: [],
    crashes: new Map(),
    crashOps: [],
    drained: new Set(),
    drainTimes: new Map(),
    uncertainReads: new Map(),
    uncertain: [],
    lastDrainStart: new Map(),
    faults: [],
    endTime: history.length ? history[history.length - 1]!.time : 0,
  };
  pairOps(history, (p) => {
    const inv = p.invoke;
    const done = p.complete;
    switch (p.f) {
      case "send": {
        const v = (inv.value ?? done?.value) as SendValue | undefined;
        if (!v) return;
        const stored = p.type === "ok" || p.type === "info" ? (done?.value as SendValue | undefined)?.messages : undefined;
        v.messages.forEach((m, position) => {
          const at = stored?.[position];
          const record: SendRecord = {
            id: m.id,
            key: m.key,
            target: v.target,
            type: p.type as SendRecord["type"],
            retry: v.retry === true,
            process: p.process,
            invokeIndex: inv.index,
            invokeTime: inv.time,
            completeIndex: done?.index,
            completeTime: done?.time,
            position,
          };
          if (at?.offset !== undefined && at.partition !== undefined && at.id === m.id) {
            record.partition = at.partition;
            record.offset = at.offset;
          }
          view.sends.push(record);
        });
        return;
      }
      case "receive":
      case "drain": {
        // Reads are safe: deliveries count whatever the completion type.
        const v = done?.value as ReceiveValue | undefined;
        if (p.type === "info" || p.type === "invoke") {
          const iv = (inv.value ?? v) as ReceiveValue | undefined;
          const source = iv?.source ? copyKey(iv.source, iv.dlq) : "";
          const prior = view.uncertainReads.get(source);
          if (prior === undefined || inv.time < prior) view.uncertainReads.set(source, inv.time);
          const destructive = p.f === "drain" || iv?.mode !== "peek-lock";
          view.uncertain.push({ source, index: inv.index, invokeTime: inv.time, endTime: done?.time ?? Infinity, destructive });
        }
        if (!done || !v?.deliveries) return;
        const mode = v.mode ?? (inv.value as ReceiveValue | undefined)?.mode;
        for (const d of v.deliveries) {
          view.deliveries.push({
            delivery: d,
            copy: copyKey(d.entity, d.dlq),
            process: p.process,
            index: done.index,
            time: done.time,
            invokeTime: inv.time,
            viaDrain: p.f === "drain",
            mode,
          });
        }
        if (p.f === "drain" && p.type === "ok") {
          view.drained.add(copyKey(v.source, v.dlq));
          const key = copyKey(v.source, v.dlq);
          view.drainTimes.set(key, inv.time);
          if (inv.time > (view.lastDrainStart.get(key) ?? -Infinity)) view.lastDrainStart.set(key, inv.time);
        }
        return;
      }
      case "settle": {
        const v = inv.value as SettleValue | undefined;
        if (!v) return;
        view.settles.push({
          outcome: v.outcome,
          id: v.id,
          entity: v.entity,
          lockToken: v.lockToken,
          reason: v.reason,
          type: p.type,
          process: p.process,
          invokeIndex: inv.index,
          invokeTime: inv.time,
          completeIndex: done?.index,
          completeTime: done?.time,
        });
        return;
      }
      case "renew": {
        const v = inv.value as RenewValue | undefined;
        if (!v) return;
        view.renews.push({
          id: v.id,
          entity: v.entity,
          lockToken: v.lockToken,
          type: p.type,
          lockedUntil: (done?.value as RenewValue | undefined)?.lockedUntil,
          process: p.process,
          invokeIndex: inv.index,
          invokeTime: inv.time,
          completeIndex: done?.index,
          completeTime: done?.time,
        });
        return;
      }
      case "crash":
        view.crashes.set(p.process, done ?? inv);
        view.crashOps.push(inv);
        if (done && done !== inv) view.crashOps.push(done);
        return;
      case "fault":
        view.faults.push(inv);
        if (done && done !== inv) view.faults.push(done);
        return;
    }
  });
  // Completions arrive in index order except for never-completed ops flushed at the end.
  if (!isSortedByIndex(view.deliveries)) view.deliveries.sort((a, b) => a.index - b.index);
  return view;
}

/** Group items by a key, keeping order. */
export function groupBy<T>(items: Iterable<T>, key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    let list = out.get(k);
    if (!list) out.set(k, (list = []));
    list.push(item);
  }
  return out;
}

function isSortedByIndex(records: readonly DeliveryRecord[]): boolean {
  for (let i = 1; i < records.length; i++) if (records[i - 1]!.index > records[i]!.index) return false;
  return true;
}
