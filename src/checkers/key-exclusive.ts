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
 * not expired, and not released by a crash where the broker releases a crashed client's locks
 * (all of them, or a session's on a session entity: Service Bus frees a session with its link).
 * Invalid only under claims.orderedPerKey or an entity with orderedKeys; otherwise counted.
 */
export const keyExclusive: Checker = {
  name: "key-exclusive",
  description: "a key's messages are held by one client at a time (no delivery of key K while another client holds K's earlier message under a live lock)",
  anomalies: ["key-shared"],
  check(history: History, context) {
    const setup = context.setup;
    const eps = toleranceNs(setup);
    // id → key of its latest send invoked so far. Built only when a delivery has no key of its own
    // (deliveries usually carry one): `learned` is how far into the history it is filled.
    const keyOf = new Map<string, string>();
    let learned = 0;
    const keyAt = (id: string, upTo: number): string | undefined => {
      for (; learned < upTo; learned++) {
        const op = history[learned]!;
        if (op.f === "send" && op.type === "invoke") for (const m of (op.value as SendValue).messages) if (m.key !== undefined) keyOf.set(m.id, m.key);
      }
      return keyOf.get(id);
    };
    /** entity → key → the holds of that key (a slot). */
    const holds = new Map<string, Map<string, Hold[]>>();
    const byToken = new Map<string, Hold[]>();
    const ordered = new Map<string, boolean>();
    const f = new Findings();
    let enforced = setup.claims?.orderedPerKey === true;
    // After a release no hold in the slot has that token, and only a new hold re-adds it (and
    // re-sets byToken): forgetting the token then changes nothing and keeps the map small.
    const release = (token: string | undefined) => {
      const slot = token === undefined ? undefined : byToken.get(token);
      if (slot) {
        keep(slot, (h) => h.lockToken !== token);
        byToken.delete(token!);
      }
    };
    for (let at = 0; at < history.length; at++) {
      const op = history[at]!;
      const fn = op.f;
      if (fn === "send") continue;
      if (fn === "settle") {
        if (op.type === "invoke") release((op.value as { lockToken?: string }).lockToken);
        continue;
      }
      if (fn === "renew" && op.type === "ok") {
        const v = op.value as { lockToken?: string; lockedUntil?: number };
        const slot = v.lockToken === undefined ? undefined : byToken.get(v.lockToken);
        for (const h of slot ?? []) if (h.lockToken === v.lockToken && v.lockedUntil !== undefined) h.until = v.lockedUntil;
      }
      // A crashed client's holds end now where the broker releases its locks, else when they expire.
      // On session entities (orderedKeys) a crash ends the holds where the broker releases a session with its holder's connection.
      if (fn === "crash" && op.type === "invoke")
        for (const [entity, keys] of holds) if (releasedOnCrash(setup, entity)) for (const list of keys.values()) keep(list, (h) => h.process !== op.process);
      if (fn !== "receive" || op.type !== "ok") continue;
      for (const d of (op.value as ReceiveValue).deliveries ?? []) {
        const key = d.key ?? keyAt(d.id, at);
        if (d.dlq || key === undefined || d.lockToken === undefined) continue;
        let keys = holds.get(d.entity);
        if (!keys) {
          holds.set(d.entity, (keys = new Map()));
          ordered.set(d.entity, settingsOf(d.entity, setup.entities)?.orderedKeys === true);
        }
        enforced ||= ordered.get(d.entity)!;
        // A redelivery of the same message proves the broker took back the earlier holder's lock (a released session).
        let list = keys.get(key);
        if (!list) keys.set(key, (list = []));
        keep(list, (h) => op.time < h.until - eps && h.id !== d.id);
        const other = list.find((h) => h.process !== op.process);
        if (other && f.report("key-shared"))
          f.example("key-shared", { indexes: [other.index, op.index], id: d.id, entity: d.entity, key, holder: other.process, explanation: `message ${d.id} of key ${key} was delivered to ${op.process} while ${other.process} still held ${other.id} of the same key under a live lock.` });
        list.push(hold(op.process, d, op.index));
        byToken.set(d.lockToken, list);
      }
    }
    if (!enforced) return f.result(true, { notApplicable: true, reason: "key exclusivity is neither claimed nor configured (orderedKeys); overlaps are only counted" });
    return f.result(f.total("key-shared") > 0 ? false : true);
  },
};

/** Keep the items of `list` that pass `test`, in place and in order (a filter without a new array). */
function keep<T>(list: T[], test: (item: T) => boolean): void {
  let j = 0;
  for (let i = 0; i < list.length; i++) if (test(list[i]!)) list[j++] = list[i]!;
  list.length = j;
}

function hold(process: string, d: Delivery, index: number): Hold {
  return { process, id: d.id, index, lockToken: d.lockToken!, until: d.lockedUntil ?? Number.POSITIVE_INFINITY };
}
