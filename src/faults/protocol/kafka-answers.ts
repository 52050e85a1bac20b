/**
 * Error answers the proxy sends in the broker's place: a Produce response (versions 3–8), an
 * OffsetCommit response (versions 2–5) or a Heartbeat response (versions 0–3), the non-flexible
 * ones kafkajs speaks, giving every partition of the request one error code.
 */

/** Kafka error codes the protocol faults answer with. */
export const KAFKA_ERRORS = { NOT_LEADER_OR_FOLLOWER: 6, REQUEST_TIMED_OUT: 7, COORDINATOR_LOAD_IN_PROGRESS: 14, REBALANCE_IN_PROGRESS: 27 } as const;

class Reader {
  constructor(
    private readonly b: Buffer,
    public at: number,
  ) {}
  i16 = () => ((this.at += 2), this.b.readInt16BE(this.at - 2));
  i32 = () => ((this.at += 4), this.b.readInt32BE(this.at - 4));
  str = (): string | null => {
    const n = this.i16();
    if (n < 0) return null;
    this.at += n;
    return this.b.toString("utf8", this.at - n, this.at);
  };
  bytes = () => {
    const n = this.i32();
    if (n > 0) this.at += n;
  };
}

/** The topics and partitions a Produce request (v3–v8) writes to. */
export function producePartitions(raw: Buffer): { topic: string; partitions: number[] }[] {
  const r = new Reader(raw, 12);
  r.str(); // client id
  r.str(); // transactional id
  r.i16(); // acks
  r.i32(); // timeout
  const out: { topic: string; partitions: number[] }[] = [];
  for (let t = r.i32(); t > 0; t--) {
    const topic = r.str() ?? "";
    const partitions: number[] = [];
    for (let p = r.i32(); p > 0; p--) {
      partitions.push(r.i32());
      r.bytes();
    }
    out.push({ topic, partitions });
  }
  return out;
}

/** A Produce response to `request` with `errorCode` on every partition; undefined for versions outside 3–8. */
export function produceErrorResponse(request: Buffer, errorCode: number): Buffer | undefined {
  const version = request.readInt16BE(6);
  if (version < 3 || version > 8) return undefined;
  const parts: Buffer[] = [];
  const i16 = (n: number) => { const b = Buffer.alloc(2); b.writeInt16BE(n); parts.push(b); };
  const i32 = (n: number) => { const b = Buffer.alloc(4); b.writeInt32BE(n); parts.push(b); };
  const i64 = (n: bigint) => { const b = Buffer.alloc(8); b.writeBigInt64BE(n); parts.push(b); };
  const str = (s: string) => { const b = Buffer.from(s, "utf8"); i16(b.length); parts.push(b); };
  i32(0); // size, set below
  i32(request.readInt32BE(8)); // correlation id
  const topics = producePartitions(request);
  i32(topics.length);
  for (const t of topics) {
    str(t.topic);
    i32(t.partitions.length);
    for (const p of t.partitions) {
      i32(p);
      i16(errorCode);
      i64(-1n); // base offset
      i64(-1n); // log append time
      if (version >= 5) i64(-1n); // log start offset
      if (version >= 8) { i32(0); i16(-1); } // record errors, error message
    }
  }
  i32(0); // throttle time
  const out = Buffer.concat(parts);
  out.writeInt32BE(out.length - 4, 0);
  return out;
}

/**
 * The broker's own Produce response (versions 3–8) with `errorCode` on every partition: the
 * append happened, the client is told it did not. Undefined for other versions.
 */
export function produceResponseWithError(response: Buffer, version: number, errorCode: number): Buffer | undefined {
  if (version < 3 || version > 8) return undefined;
  const out = Buffer.from(response);
  const r = new Reader(out, 8);
  for (let t = r.i32(); t > 0; t--) {
    r.str();
    for (let p = r.i32(); p > 0; p--) {
      r.i32(); // partition
      out.writeInt16BE(errorCode, r.at);
      r.at += 2 + 8 + 8 + (version >= 5 ? 8 : 0);
      if (version >= 8) {
        for (let e = r.i32(); e > 0; e--) (r.i32(), r.str());
        r.str();
      }
    }
  }
  return out;
}

/** The topics and partitions an OffsetCommit request (v2–v5) commits. */
export function commitPartitions(raw: Buffer): { topic: string; partitions: number[] }[] {
  const version = raw.readInt16BE(6);
  const r = new Reader(raw, 12);
  r.str(); // client id
  r.str(); // group id
  r.i32(); // generation id
  r.str(); // member id
  if (version <= 4) r.at += 8; // retention time
  const out: { topic: string; partitions: number[] }[] = [];
  for (let t = r.i32(); t > 0; t--) {
    const topic = r.str() ?? "";
    const partitions: number[] = [];
    for (let p = r.i32(); p > 0; p--) {
      partitions.push(r.i32());
      r.at += 8; // committed offset
      r.str(); // metadata
    }
    out.push({ topic, partitions });
  }
  return out;
}

/** An OffsetCommit response to `request` (v2–v5) with `errorCode` on every partition; undefined for other versions. */
export function commitErrorResponse(request: Buffer, errorCode: number): Buffer | undefined {
  const version = request.readInt16BE(6);
  if (version < 2 || version > 5) return undefined;
  const parts: Buffer[] = [];
  const i16 = (n: number) => { const b = Buffer.alloc(2); b.writeInt16BE(n); parts.push(b); };
  const i32 = (n: number) => { const b = Buffer.alloc(4); b.writeInt32BE(n); parts.push(b); };
  i32(0); // size, set below
  i32(request.readInt32BE(8)); // correlation id
  if (version >= 3) i32(0); // throttle time
  const topics = commitPartitions(request);
  i32(topics.length);
  for (const t of topics) {
    const name = Buffer.from(t.topic, "utf8");
    i16(name.length);
    parts.push(name);
    i32(t.partitions.length);
    for (const p of t.partitions) (i32(p), i16(errorCode));
  }
  const out = Buffer.concat(parts);
  out.writeInt32BE(out.length - 4, 0);
  return out;
}

/** A Heartbeat response to `request` (versions 0–3) with `errorCode`; undefined for flexible versions. */
export function heartbeatErrorResponse(request: Buffer, errorCode: number): Buffer | undefined {
  const version = request.readInt16BE(6);
  if (version < 0 || version > 3) return undefined;
  const out = Buffer.alloc(version >= 1 ? 14 : 10);
  out.writeInt32BE(out.length - 4, 0);
  out.writeInt32BE(request.readInt32BE(8), 4); // correlation id
  if (version >= 1) out.writeInt32BE(0, 8); // throttle time
  out.writeInt16BE(errorCode, out.length - 2);
  return out;
}
