import { NS_PER_MS } from "../core/clock.js";
import type { Delivery, Op, SentMessage, SettleOutcome } from "../core/history.js";
import type { SetupValue } from "../core/setup.js";

/** Each op takes this long on the built history's clock (ns). */
export const BUILDER_STEP = 100_000;

/**
 * Builds small histories in code, op by op (test support, mirroring fixtures/histories):
 * every call appends an invocation and its completion, BUILDER_STEP ns apart.
 */
export class HistoryBuilder {
  readonly ops: Op[] = [];
  t = 0;

  constructor(readonly setup: SetupValue) {
    this.op("setup", "invoke", "setup", setup);
    this.op("setup", "ok", "setup", setup);
  }

  /** Append one raw op at the current time. */
  op(process: string, type: Op["type"], f: string, value?: unknown, error?: string): this {
    const o: Op = { index: this.ops.length, time: this.t, process, type, f };
    if (value !== undefined) o.value = value;
    if (error !== undefined) o.error = error;
    this.ops.push(o);
    this.t += BUILDER_STEP;
    return this;
  }

  /** Move the clock to at least `ns`. */
  at(ns: number): this {
    this.t = Math.max(this.t, ns);
    return this;
  }

  call(process: string, f: string, inv: unknown, type: Op["type"] = "ok", done: unknown = inv): this {
    this.op(process, "invoke", f, inv);
    return type === "invoke" ? this : this.op(process, type, f, done);
  }

  send(process: string, target: string, messages: (string | SentMessage)[], type: Op["type"] = "ok", retry = false): this {
    const ms = messages.map((m) => (typeof m === "string" ? { id: m } : m));
    return this.call(process, "send", { target, messages: ms, ...(retry ? { retry } : {}) }, type);
  }

  /** A receive; deliveries with a lockToken and no lockedUntil get a 1 ms lock from the broker's action time. */
  receive(process: string, source: string, deliveries: Delivery[], mode: "peek-lock" | "receive-and-delete" = "peek-lock", type: Op["type"] = "ok"): this {
    const at = this.t + BUILDER_STEP / 2;
    const ds = deliveries.map((d) => (d.lockToken !== undefined && d.lockedUntil === undefined ? { ...d, lockedUntil: at + NS_PER_MS } : d));
    return this.call(process, "receive", { source, mode }, type, { source, mode, deliveries: ds });
  }

  settle(process: string, outcome: SettleOutcome, d: Pick<Delivery, "id" | "entity" | "lockToken">, type: Op["type"] = "ok", reason?: string): this {
    return this.call(process, "settle", { outcome, id: d.id, entity: d.entity, lockToken: d.lockToken, ...(reason ? { reason } : {}) }, type);
  }

  renew(process: string, d: Pick<Delivery, "id" | "entity" | "lockToken">, lockedUntil: number, type: Op["type"] = "ok"): this {
    const v = { id: d.id, entity: d.entity, lockToken: d.lockToken };
    return this.call(process, "renew", v, type, type === "ok" ? { ...v, lockedUntil } : v);
  }

  drain(source: string, dlq: boolean, deliveries: Delivery[] = [], type: Op["type"] = "ok"): this {
    return this.call("drain", "drain", { source, dlq }, type, { source, dlq, deliveries });
  }

  crash(process: string): this {
    return this.call(process, "crash", { reason: "test crash" }, "info");
  }
}

/** A delivery literal with the usual fields. */
export function delivery(id: string, entity: string, count: number | null, lockToken?: string, extra: Partial<Delivery> = {}): Delivery {
  return { id, entity, brokerId: id, deliveryCount: count, ...(lockToken ? { lockToken } : {}), ...extra };
}
