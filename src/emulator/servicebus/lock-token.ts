/**
 * Lock tokens are GUIDs. On the wire they travel two ways (see docs/servicebus-emulator.md):
 * - as the delivery tag, in .NET `Guid.ToByteArray()` order (first three groups byte-swapped);
 * - inside $management bodies as AMQP uuids, in RFC 4122 byte order.
 */
import { randomUUID } from "node:crypto";

export function newLockToken(): string {
  return randomUUID();
}

/** RFC 4122 bytes of a GUID string. */
export function guidToBytes(guid: string): Buffer {
  const hex = guid.replace(/-/g, "");
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new Error(`not a GUID: ${guid}`);
  return Buffer.from(hex, "hex");
}

/** GUID string of RFC 4122 bytes. */
export function bytesToGuid(bytes: Buffer): string {
  if (bytes.length !== 16) throw new Error(`a GUID has 16 bytes, got ${bytes.length}`);
  const h = bytes.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Swap the first three groups (4, 2, 2 bytes): RFC order <-> .NET order (the swap is its own inverse). */
function swapGroups(b: Buffer): Buffer {
  return Buffer.from([b[3]!, b[2]!, b[1]!, b[0]!, b[5]!, b[4]!, b[7]!, b[6]!, ...b.subarray(8)]);
}

/** Delivery tag for a lock token (.NET byte order). */
export function lockTokenToDeliveryTag(guid: string): Buffer {
  return swapGroups(guidToBytes(guid));
}

/** Lock token of a delivery tag (.NET byte order). */
export function deliveryTagToLockToken(tag: Buffer): string {
  return bytesToGuid(swapGroups(tag));
}

const TICKS_AT_UNIX_EPOCH = 621_355_968_000_000_000n;

/** .NET ticks (100 ns since 0001-01-01) as an 8-byte big-endian buffer: the value exceeds 2^53. */
export function toDotNetTicks(unixMs: number): Buffer {
  const buf = Buffer.alloc(8);
  buf.writeBigInt64BE(BigInt(Math.round(unixMs)) * 10_000n + TICKS_AT_UNIX_EPOCH);
  return buf;
}
