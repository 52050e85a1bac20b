import type { Clock } from "../core/clock.js";
import type { Op, OpF, OpType } from "../core/history.js";

/** Receives each op the moment it is recorded (e.g. the JSONL writer). */
export type OpSink = (op: Op) => void;

/** An invocation waiting for its completion. */
export interface Pending {
  readonly process: string;
  readonly f: string;
  readonly index: number;
}

/**
 * Records a run's history: pairs each invocation with its completion, stamps monotonic
 * time, and enforces Jepsen's rules (one outstanding op per process).
 */
export class Recorder {
  private readonly log: Op[] = [];
  private readonly outstanding = new Map<string, Pending>();

  constructor(
    private readonly clock: Clock,
    private readonly sinks: OpSink[] = [],
    private readonly run?: string,
  ) {}

  /** Record an invocation; throws if `process` already has one outstanding (a harness bug). */
  invoke(process: string, f: OpF | (string & {}), value?: unknown): Pending {
    const open = this.outstanding.get(process);
    if (open) throw new Error(`process ${process} invoked ${f} while ${open.f} (index ${open.index}) is outstanding`);
    const op = this.append({ process, type: "invoke", f, value });
    const pending = { process, f, index: op.index };
    this.outstanding.set(process, pending);
    return pending;
  }

  /** Record the completion of `pending`; `node`: the broker node that served it, where the client tells. */
  complete(pending: Pending, type: Exclude<OpType, "invoke">, value?: unknown, error?: string, node?: string): Op {
    if (this.outstanding.get(pending.process) !== pending) {
      throw new Error(`completion of ${pending.f} on ${pending.process} without a matching invocation`);
    }
    this.outstanding.delete(pending.process);
    return this.append({ process: pending.process, type, f: pending.f, value, error, node });
  }

  /** Ops recorded so far (the live array; do not mutate). */
  get ops(): readonly Op[] {
    return this.log;
  }

  /** Processes with an invocation still outstanding. */
  get openProcesses(): string[] {
    return [...this.outstanding.keys()];
  }

  private append(fields: Omit<Op, "index" | "time">): Op {
    const op: Op = { index: this.log.length, time: this.clock.now(), process: fields.process, type: fields.type, f: fields.f };
    if (fields.value !== undefined) op.value = fields.value;
    if (fields.error !== undefined) op.error = fields.error;
    if (fields.node !== undefined) op.node = fields.node;
    if (this.run !== undefined) op.run = this.run;
    this.log.push(op);
    for (const sink of this.sinks) sink(op);
    return op;
  }
}

/**
 * A logical client's process identity. After an `info` completion the client may still have
 * an operation in flight, so it continues under a new process id (`c1`, `c1.1`, `c1.2`, ...).
 */
export class ProcessId {
  private generation = 0;
  constructor(readonly name: string) {}

  get current(): string {
    return this.generation === 0 ? this.name : `${this.name}.${this.generation}`;
  }

  /** Move to a fresh process id (after an info completion or a crash). */
  renew(): string {
    this.generation += 1;
    return this.current;
  }
}
