/**
 * Follows frame boundaries in the raw byte stream of one connection, ahead of rhea, so a frame
 * that declares more than the emulator's max-frame-size is refused at its 4-byte size field
 * instead of being buffered until it arrives (rhea never checks the size it reads).
 */

/** A frame whose declared size is impossible (< 8, the frame header) or above the maximum. */
export interface FrameSizeViolation {
  declared: number;
  max: number;
}

type Mode = "boundary" | "header" | "size" | "body";

const PROTOCOL_HEADER_LENGTH = 8;
const FRAME_HEADER_LENGTH = 8;
/** 'A' of "AMQP": at a frame boundary it starts a protocol header (SASL done, or the first bytes). */
const HEADER_FIRST_BYTE = 0x41;

/** Scans chunks as they arrive; counts whole frames (heartbeats included) and protocol headers. */
export class FrameScanner {
  private mode: Mode = "boundary";
  private left = 0;
  private size = 0;
  /** Complete frames and protocol headers seen so far. */
  units = 0;

  constructor(private readonly maxFrameSize: number) {}

  /** Scan one chunk; a violation means the connection must be refused (the scanner stops). */
  feed(chunk: Uint8Array): FrameSizeViolation | undefined {
    let i = 0;
    while (i < chunk.length) {
      if (this.mode === "boundary") {
        if (chunk[i] === HEADER_FIRST_BYTE) {
          this.mode = "header";
          this.left = PROTOCOL_HEADER_LENGTH;
        } else {
          this.mode = "size";
          this.left = 4;
          this.size = 0;
        }
      }
      if (this.mode === "size") {
        while (this.left > 0 && i < chunk.length) {
          this.size = this.size * 256 + chunk[i++]!;
          this.left -= 1;
        }
        if (this.left > 0) break;
        if (this.size < FRAME_HEADER_LENGTH || this.size > this.maxFrameSize) return { declared: this.size, max: this.maxFrameSize };
        this.mode = "body";
        this.left = this.size - 4;
        continue;
      }
      const n = Math.min(this.left, chunk.length - i);
      i += n;
      this.left -= n;
      if (this.left === 0) {
        this.mode = "boundary";
        this.units += 1;
      }
    }
    return undefined;
  }
}
