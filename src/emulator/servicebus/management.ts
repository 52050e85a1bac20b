/** `$management` request/response operations the SDK uses. */
import { decodeMessage, type Message, types } from "./amqp.js";
import type { Disposition, EntityQueue } from "./entity-store.js";
import { bytesToGuid, guidToBytes } from "./lock-token.js";
import { type Namespace, SendRejected } from "./namespace.js";
import { encodeStamped } from "./stored-message.js";
import { type ManagementReply, fail, ok } from "./management-reply.js";
import { RULE_OPERATIONS, handleRuleOperation } from "./rule-manager.js";

export type { ManagementReply } from "./management-reply.js";

type Body = Record<string, unknown>;

/** Array element codes: the service answers with AMQP arrays (Java and Go read long[], timestamp[], string[]). */
const LONG = 0x81;
const TIMESTAMP = 0x83;
const STRING = 0xb1;

const lockLost = (what: string) => fail(410, "com.microsoft:message-lock-lost", `The lock supplied is invalid. Either the lock expired, or the message has already been removed from the queue. (${what})`);

/** A long arrives as a number, or as 8 big-endian bytes when the SDK wraps a Long's bytes. */
function toNumber(v: unknown): number {
  if (Buffer.isBuffer(v) && v.length === 8) return Number(v.readBigInt64BE());
  return Number(v);
}
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);
const tokens = (v: unknown): string[] => list(v).map((b) => (Buffer.isBuffer(b) ? bytesToGuid(b) : String(b)));

/** `entity` is the link address without `/$management`. */
export function handleManagement(ns: Namespace, entity: string, req: Message): ManagementReply {
  const op = String((req.application_properties as Body | undefined)?.operation ?? "");
  const body = (req.body ?? {}) as Body;
  try {
    switch (op) {
      case "com.microsoft:schedule-message": {
        const msgs = list(body.messages).map((e) => decodeMessage((e as Body).message as Buffer));
        return ok({ "sequence-numbers": types.wrap_array(ns.schedule(entity, msgs), LONG, undefined) });
      }
      case "com.microsoft:cancel-scheduled-message":
        ns.cancelScheduled(entity, list(body["sequence-numbers"]).map(toNumber));
        return ok();
    }
    if (RULE_OPERATIONS.includes(op)) {
      const rules = ns.rulesAt(entity);
      if (!rules) return fail(404, "amqp:not-found", `The messaging entity '${entity}' is not a subscription.`);
      return handleRuleOperation(rules, entity, op, req);
    }
    const q = ns.queueAt(entity);
    if (!q) return fail(404, "amqp:not-found", `The messaging entity '${entity}' could not be found.`);
    return receiverOp(q, op, body);
  } catch (err) {
    if (err instanceof SendRejected) return fail(err.condition === "amqp:not-found" ? 404 : 400, err.condition, err.message);
    return fail(500, "amqp:internal-error", (err as Error).message);
  }
}

function receiverOp(q: EntityQueue, op: string, body: Body): ManagementReply {
  const sessionId = body["session-id"] === undefined || body["session-id"] === null ? undefined : String(body["session-id"]);
  switch (op) {
    case "com.microsoft:peek-message": {
      const found = q.peek(toNumber(body["from-sequence-number"] ?? 1), toNumber(body["message-count"] ?? 1), sessionId);
      if (!found.length) return { status: 204, description: "No Content" };
      const omitBody = body["omit-message-body"] === true;
      return ok({ messages: found.map((m) => types.wrap_map({ message: types.wrap_binary(encodeStamped(m, { omitBody })) })) });
    }
    case "com.microsoft:renew-lock": {
      const expirations: number[] = [];
      for (const t of tokens(body["lock-tokens"])) {
        const until = q.renew(t);
        if (until === undefined) return lockLost(t);
        expirations.push(until);
      }
      return ok({ expirations: types.wrap_array(expirations, TIMESTAMP, undefined) });
    }
    case "com.microsoft:receive-by-sequence-number": {
      const got = q.lockDeferred(list(body["sequence-numbers"]).map(toNumber), sessionId, toNumber(body["receiver-settle-mode"] ?? 1) === 0);
      if (typeof got === "string") return fail(404, "com.microsoft:message-not-found", got);
      return ok({
        messages: got.map((g) => types.wrap_map(g.token ? { "lock-token": types.wrap_uuid(guidToBytes(g.token)), message: types.wrap_binary(g.bytes) } : { message: types.wrap_binary(g.bytes) })),
      });
    }
    case "com.microsoft:update-disposition": {
      const d = dispositionOf(body);
      if (!d) return fail(400, "com.microsoft:argument-error", `unknown disposition-status ${String(body["disposition-status"])}`);
      for (const t of tokens(body["lock-tokens"])) if (!q.settle(t, d)) return lockLost(t);
      return ok();
    }
    case "com.microsoft:renew-session-lock": {
      const until = sessionId === undefined ? undefined : q.sessions.renew(sessionId);
      if (until === undefined) return fail(410, "com.microsoft:session-lock-lost", `The session lock for '${sessionId}' has expired or was never held.`);
      return ok({ expiration: types.wrap_timestamp(until) });
    }
    case "com.microsoft:get-session-state":
    case "com.microsoft:set-session-state": {
      if (sessionId === undefined || q.sessions.ownerOf(sessionId) === undefined) return fail(410, "com.microsoft:session-lock-lost", `The session '${sessionId}' is not locked.`);
      if (op.endsWith("get-session-state")) {
        const state = q.sessions.get(sessionId).state;
        return ok({ "session-state": state === null ? null : types.wrap_binary(state) });
      }
      const s = body["session-state"];
      q.sessions.setState(sessionId, s === undefined || s === null ? null : Buffer.isBuffer(s) ? s : Buffer.from(String(s)));
      return ok();
    }
    case "com.microsoft:get-message-sessions":
      return ok({ skip: types.wrap_int(0), "sessions-ids": types.wrap_array(q.sessionIds(), STRING, undefined) });
    default:
      return fail(501, "amqp:not-implemented", `operation ${op} is not implemented by the emulator`);
  }
}

function dispositionOf(body: Body): Disposition | undefined {
  const props = (body["properties-to-modify"] ?? undefined) as Record<string, unknown> | undefined;
  switch (body["disposition-status"]) {
    case "completed":
      return { kind: "complete" };
    case "abandoned":
      return { kind: "abandon", annotations: props };
    case "defered":
      return { kind: "defer", annotations: props };
    case "suspended":
      return {
        kind: "dead-letter",
        reason: body["deadletter-reason"] as string | undefined,
        description: body["deadletter-description"] as string | undefined,
        properties: props,
      };
    default:
      return undefined;
  }
}
