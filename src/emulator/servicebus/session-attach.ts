/**
 * Attaching a receiver to a session-enabled entity: a specific session (accept) or the next
 * free one (accept next), answered with the chosen id in the source filter and the session
 * lock's expiry as .NET ticks in the link property `com.microsoft:locked-until-utc`.
 */
import type { Sender } from "rhea";
import type { EntityQueue } from "./entity-store.js";
import { types } from "./amqp.js";
import { deferAttach, type OutgoingLink, refuseAttach, termFields } from "./links.js";
import { toDotNetTicks } from "./lock-token.js";

const SESSION_FILTER = "com.microsoft:session-filter";
const TIMEOUT_PROPERTY = "com.microsoft:timeout";

export interface SessionAttach {
  sender: Sender;
  queue: EntityQueue;
  id: string;
  waitCapMs: number;
  consumer: (sessionId: string) => OutgoingLink;
  /** False once the client gave up (link closed) while we waited. */
  stillWanted: () => boolean;
}

export function attachSessionReceiver(a: SessionAttach): void {
  const filter = (a.sender.source?.filter ?? undefined) as Record<string, unknown> | undefined;
  if (!filter || !(SESSION_FILTER in filter)) {
    return refuseAttach(a.sender, "amqp:not-allowed", `It is not possible for an entity that requires sessions to create a non-sessionful message receiver (${a.queue.path}).`);
  }
  const requested = filterValue(filter[SESSION_FILTER]);
  if (requested !== undefined && requested !== null) {
    const id = String(requested);
    if (!a.queue.sessions.tryLock(id, a.id)) {
      return refuseAttach(a.sender, "com.microsoft:session-cannot-be-locked", `The requested session '${id}' cannot be accepted. It may be locked by another receiver.`);
    }
    return bind(a, id);
  }
  // Accept next: answer only once a session is free, or refuse with a timeout.
  deferAttach(a.sender);
  const asked = Number((a.sender.properties as Record<string, unknown> | undefined)?.[TIMEOUT_PROPERTY] ?? a.waitCapMs);
  const pick = () => {
    const id = a.queue.freeSession();
    return id !== undefined && a.queue.sessions.tryLock(id, a.id) ? id : undefined;
  };
  void a.queue.sessions.waitForFree(a.id, Math.min(asked, a.waitCapMs), pick).then((id) => {
    if (!a.stillWanted() || a.sender.is_closed()) {
      if (id !== undefined) a.queue.sessions.release(id, a.id);
      return;
    }
    if (id === undefined) return refuseAttach(a.sender, "com.microsoft:timeout", `No unlocked session was available in ${a.queue.path} within the wait time.`);
    bind(a, id);
    a.sender.open();
  });
}

/** A filter value as rhea hands it over: plain (JS, Python, Java) or a described type (Go: descriptor 0x137000000C). */
function filterValue(v: unknown): unknown {
  return v !== null && typeof v === "object" && "descriptor" in v ? (v as unknown as { value: unknown }).value : v;
}

/**
 * Answer with the chosen session id in the filter, in the form the client asked in: a described
 * type for a described request (go-amqp refuses anything else), plain otherwise (the JS SDK
 * reads the value as it is). The lock expiry is an AMQP long of .NET ticks.
 */
function bind(a: SessionAttach, sessionId: string): void {
  const remote = a.sender.source as unknown as { filter?: Record<string, unknown>; value: unknown[] };
  const asked = remote.filter?.[SESSION_FILTER];
  const descriptor = asked !== null && typeof asked === "object" && "descriptor" in asked ? (asked as { descriptor: unknown }).descriptor : undefined;
  const echoed = descriptor === undefined ? sessionId : types.described(descriptor, types.wrap_string(sessionId));
  const fields: Record<string, unknown> = { ...termFields(remote), filter: { ...(remote.filter ?? {}), [SESSION_FILTER]: echoed } };
  a.sender.set_source(fields as never);
  const attach = (a.sender as unknown as { local: { attach: Record<string, unknown> } }).local.attach;
  attach.properties = { "com.microsoft:locked-until-utc": types.wrap_long(toDotNetTicks(a.queue.sessions.get(sessionId).lockedUntil)) };
  a.queue.addConsumer(a.consumer(sessionId));
}
