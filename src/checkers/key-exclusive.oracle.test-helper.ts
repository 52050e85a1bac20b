import type { Checker } from "../core/checker.js";
import { settingsOf } from "../core/entities.js";
import type { Delivery, History, ReceiveValue, SendValue } from "../core/history.js";
import { Findings } from "./findings.js";
import { releasedOnCrash, toleranceNs } from "./view.js";

/** A peek-locked delivery some client holds: from its receive until its settle is invoked or its lock ends. */
interface Hold {
  process: string;
  id: string;
  index: number;
  lockToken: string;
  until: number;
}

/**
 * Per key, one holder at a time (what sessions and single active consumer promise, and what
 * processing in order per key needs): a message of key K must not be handed to one client while
 * another still holds an earlier-received message of K under a valid lock — not yet settled,
 * not expired, and, where the broker keeps a crashed client's locks, not released by the crash.
 * Invalid only under claims.orderedPerKey or an entity with orderedKeys; otherwise counted.
 */
/** The key-exclusive checker as it was before it filtered in place: the oracle its property test compares with. */
export const keyExclusiveOracle: Checker = {
  name: "key-exclusive",
  description: "a key's messages are held by one client at a time (no delivery of key K while another client holds K's earlier message under a live lock)",
  anomalies: ["key-shared"],
  check(history: History, context) {
    const setup = context.setup;
    const eps = toleranceNs(setup);
    const keyOf = new Map<string, string>();
    const holds = new Map<string, Hold[]>();
    const byToken = new Map<string, string>();
    const f = new Findings();
    let enforced = setup.claims?.orderedPerKey === true;
    const release = (token: string | undefined) => {
      const slot = token === undefined ? undefined : byToken.get(token);
      if (slot) holds.set(slot, holds.get(slot)!.filter((h) => h.lockToken !== token));
    };
    for (const op of history) {
      if (op.f === "send" && op.type === "invoke") for (const m of (op.value as SendValue).messages) if (m.key !== undefined) keyOf.set(m.id, m.key);
      if (op.f === "settle" && op.type === "invoke") release((op.value as { lockToken?: string }).lockToken);
      if (op.f === "renew" && op.type === "ok") {
        const v = op.value as { lockToken?: string; lockedUntil?: number };
        const slot = v.lockToken === undefined ? undefined : byToken.get(v.lockToken);
        for (const h of slot ? holds.get(slot)! : []) if (h.lockToken === v.lockToken && v.lockedUntil !== undefined) h.until = v.lockedUntil;
      }
      // A crashed client's holds end now where the broker releases its locks, else when they expire.
      if (op.f === "crash" && op.type === "invoke")
        for (const [slot, list] of holds) holds.set(slot, list.filter((h) => h.process !== op.process || !releasedOnCrash(setup, slot.split("\u0000")[0]!)));
      if (op.f !== "receive" || op.type !== "ok") continue;
      for (const d of (op.value as ReceiveValue).deliveries ?? []) {
        const key = d.key ?? keyOf.get(d.id);
        if (d.dlq || key === undefined || d.lockToken === undefined) continue;
        const slot = `${d.entity}\u0000${key}`;
        enforced ||= settingsOf(d.entity, setup.entities)?.orderedKeys === true;
        // A redelivery of the same message proves the broker took back the earlier holder's lock (a released session).
        const list = (holds.get(slot) ?? []).filter((h) => op.time < h.until - eps && h.id !== d.id);
        const other = list.find((h) => h.process !== op.process);
        if (other && f.report("key-shared"))
          f.example("key-shared", { indexes: [other.index, op.index], id: d.id, entity: d.entity, key, holder: other.process, explanation: `message ${d.id} of key ${key} was delivered to ${op.process} while ${other.process} still held ${other.id} of the same key under a live lock.` });
        list.push(hold(op.process, d, op.index));
        holds.set(slot, list);
        byToken.set(d.lockToken, slot);
      }
    }
    if (!enforced) return f.result(true, { notApplicable: true, reason: "key exclusivity is neither claimed nor configured (orderedKeys); overlaps are only counted" });
    return f.result(f.total("key-shared") > 0 ? false : true);
  },
};

function hold(process: string, d: Delivery, index: number): Hold {
  return { process, id: d.id, index, lockToken: d.lockToken!, until: d.lockedUntil ?? Number.POSITIVE_INFINITY };
}
