/**
 * Fast acceptance of the common op shapes, so reading a large history does not pay a schema
 * parse (and a copy of every op) per line. Each test here is at least as strict as the zod
 * schema it stands for (schema.ts): true means zod would accept too; false means "ask zod",
 * which then decides and words the error. Only the hot shapes are covered (the op line, and the
 * values of send, receive, drain, settle and renew without claim-check fields).
 */
const OP_KEYS = new Set(["index", "time", "process", "type", "f", "value", "error", "run"]);
const TYPES = new Set(["invoke", "ok", "fail", "info"]);
const MODES = new Set(["peek-lock", "receive-and-delete"]);
const OUTCOMES = new Set(["complete", "abandon", "dead-letter", "defer"]);
const DIGITS = /^\d+$/;

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === "object" && x !== null && !Array.isArray(x);
const nat = (x: unknown) => Number.isSafeInteger(x) && (x as number) >= 0;
const optString = (x: unknown) => x === undefined || typeof x === "string";
const optBool = (x: unknown) => x === undefined || typeof x === "boolean";
const optNat = (x: unknown) => x === undefined || nat(x);
const optFinite = (x: unknown) => x === undefined || (typeof x === "number" && Number.isFinite(x));
const optOffset = (x: unknown) => x === undefined || (typeof x === "string" && DIGITS.test(x));
const name = (x: unknown) => typeof x === "string" && x.length > 0;

/** True when `raw` is certainly a valid op line with no key the schema would strip. */
export function fastOpLine(raw: unknown): boolean {
  if (!isObj(raw)) return false;
  for (const k in raw) if (!OP_KEYS.has(k)) return false;
  return nat(raw.index) && typeof raw.time === "number" && Number.isFinite(raw.time) && raw.time >= 0 && name(raw.process) && TYPES.has(raw.type as string) && name(raw.f) && optString(raw.error) && optString(raw.run);
}

function sentMessage(m: unknown): boolean {
  return isObj(m) && name(m.id) && optString(m.key) && optNat(m.size) && optNat(m.partition) && optOffset(m.offset) && m.claim === undefined;
}

function delivery(d: unknown): boolean {
  if (!isObj(d)) return false;
  const count = d.deliveryCount;
  return (
    typeof d.id === "string" && typeof d.entity === "string" && optString(d.key) && optBool(d.dlq) && optString(d.brokerId) &&
    (count === undefined || count === null || (Number.isSafeInteger(count) && (count as number) > 0)) &&
    optBool(d.redelivered) && optString(d.lockToken) && optFinite(d.lockedUntil) && optNat(d.partition) && optOffset(d.offset) &&
    optString(d.deadLetterReason) && optString(d.deadLetterDescription) && optBool(d.deferred)
  );
}

function read(v: Obj): boolean {
  if (!name(v.source) || !(v.mode === undefined || MODES.has(v.mode as string)) || !optBool(v.dlq)) return false;
  const ds = v.deliveries;
  if (ds === undefined) return true;
  if (!Array.isArray(ds)) return false;
  for (const d of ds) if (!delivery(d)) return false;
  return true;
}

/** True when `value` certainly has the shape published for `f`; false: unknown here, ask the schema. */
export function fastValue(f: string, value: unknown): boolean {
  if (!isObj(value)) return false;
  switch (f) {
    case "send": {
      const ms = value.messages;
      if (!name(value.target) || !optBool(value.retry) || !Array.isArray(ms) || ms.length === 0) return false;
      for (const m of ms) if (!sentMessage(m)) return false;
      return true;
    }
    case "receive":
    case "drain":
      return read(value);
    case "settle":
      return OUTCOMES.has(value.outcome as string) && typeof value.id === "string" && name(value.entity) && optString(value.lockToken) && optString(value.reason) && optString(value.description);
    case "renew":
      return typeof value.id === "string" && name(value.entity) && optString(value.lockToken) && optFinite(value.lockedUntil);
    default:
      return false;
  }
}
