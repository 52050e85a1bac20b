import type { Delivery, Op } from "../core/history.js";
import type { SetupValue } from "../core/setup.js";
import { toJsonl } from "../history/jsonl.js";
import { parseHistory } from "../history/reader.js";

/**
 * Translates the ops of Jepsen's checker tests (jepsen/test/jepsen/checker_test.clj and
 * tests/kafka_test.clj) into Gauntlet histories (test support). Queue ops: `enqueue v` is a send
 * of message `v` to queue `q`, `dequeue v` a receive-and-delete that got it. Kafka ops: keys are
 * partitions of topic `t` (`x` → 0, `y` → 1), a value `v` of key `k` is message `kv`, a send's
 * `[offset v]` becomes the message's partition and offset, a poll a receive of the records.
 * The result goes through the strict reader, so every port is a well-formed history.
 */
export type JOp =
  | [process: number, type: Op["type"], f: "enqueue" | "dequeue", value?: string | number]
  | [process: number, type: Op["type"], f: "send", value: [key: string, offset: number | null, value: string | number][]]
  | [process: number, type: Op["type"], f: "poll", value?: Record<string, [offset: number, value: string | number][]>]
  | [process: number, type: Op["type"], f: "rebalance", keys: string[]];

const PARTITION: Record<string, number> = { x: 0, y: 1 };

/** A Gauntlet history (setup op first) from Jepsen ops, in order, 1 µs apart. */
export function fromJepsen(ops: readonly JOp[], setup: Partial<SetupValue> = {}): { ops: Op[]; setup: SetupValue } {
  const kafka = ops.some((o) => o[2] === "send" || o[2] === "poll");
  const full: SetupValue = { broker: kafka ? "kafka://jepsen" : "jepsen://queue", entities: [{ kind: "queue", name: kafka ? "t" : "q" }], ...setup };
  const out: Op[] = [];
  const push = (process: string, type: Op["type"], f: string, value?: unknown) => {
    const op: Op = { index: out.length, time: out.length * 1000, process, type, f };
    if (value !== undefined) op.value = value;
    out.push(op);
  };
  push("setup", "invoke", "setup", full);
  push("setup", "ok", "setup", full);
  for (const [p, type, f, value] of ops) {
    const process = `p${p}`;
    switch (f) {
      case "enqueue":
        push(process, type, "send", { target: "q", messages: [{ id: String(value) }] });
        break;
      case "dequeue": {
        const deliveries: Delivery[] = value === undefined || type !== "ok" ? [] : [{ id: String(value), entity: "q" }];
        push(process, type, "receive", { source: "q", mode: "receive-and-delete", ...(type === "invoke" ? {} : { deliveries }) });
        break;
      }
      case "send": {
        const sends = value as [string, number | null, string | number][];
        const messages = sends.map(([k, offset, v]) => ({ id: `${k}${v}`, ...(offset === null || type === "invoke" ? {} : { partition: PARTITION[k]!, offset: String(offset) }) }));
        push(process, type, "send", { target: "t", messages });
        break;
      }
      case "poll": {
        const records = Object.entries((value ?? {}) as Record<string, [number, string | number][]>).flatMap(([k, pairs]) =>
          pairs.map(([offset, v]) => ({ id: `${k}${v}`, entity: "t", partition: PARTITION[k]!, offset: String(offset), brokerId: `${PARTITION[k]}:${offset}` })),
        );
        push(process, type, "receive", { source: "t", mode: "peek-lock", ...(type === "invoke" ? {} : { deliveries: records }) });
        break;
      }
      case "rebalance":
        push("broker", type, "rebalance", { entity: "t", phase: "assign", partitions: (value as string[]).map((k) => PARTITION[k]!) });
        break;
    }
  }
  return { ops: parseHistory(toJsonl(out), "jepsen-port"), setup: full };
}
