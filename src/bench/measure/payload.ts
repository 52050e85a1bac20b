/**
 * The bench payload: bytes 0–7 the stamp (monotonic ns from process.hrtime.bigint(), as a
 * float64: producer and consumer share the process, so no clock skew), bytes 8–11 the cell index,
 * byte 12 1 when the message belongs to the measured phase (0: warm-up), 13–15 zero, then filler
 * up to the requested size.
 */
export const HEADER_BYTES = 16;

/** A template of `size` bytes; each message is a copy with its own header. */
export function payloadTemplate(size: number): Buffer {
  return Buffer.alloc(Math.max(size, HEADER_BYTES), 120);
}

export function stampPayload(template: Buffer, stampNs: number, cell: number, measured: boolean): Buffer {
  const b = Buffer.allocUnsafe(template.length);
  template.copy(b);
  b.writeDoubleBE(stampNs, 0);
  b.writeUInt32BE(cell, 8);
  b.writeUInt32BE(measured ? 0x01000000 : 0, 12);
  return b;
}

/** The stamp and cell of a delivered payload, or undefined when it is not a bench payload. */
export function readStamp(payload: Buffer): { stampNs: number; cell: number; measured: boolean } | undefined {
  if (payload.length < HEADER_BYTES) return undefined;
  return { stampNs: payload.readDoubleBE(0), cell: payload.readUInt32BE(8), measured: payload.readUInt8(12) === 1 };
}
