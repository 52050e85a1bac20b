import { readFileSync } from "node:fs";
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { KafkaConnection } from "./kafka-framer.js";
import { commitErrorResponse, commitPartitions, heartbeatErrorResponse, produceErrorResponse, producePartitions, produceResponseWithError } from "./kafka-answers.js";

const str = (s: string | null) => {
  if (s === null) return Buffer.from([0xff, 0xff]);
  const b = Buffer.alloc(2 + Buffer.byteLength(s));
  b.writeInt16BE(Buffer.byteLength(s));
  b.write(s, 2);
  return b;
};
const i16 = (n: number) => { const b = Buffer.alloc(2); b.writeInt16BE(n); return b; };
const i32 = (n: number) => { const b = Buffer.alloc(4); b.writeInt32BE(n); return b; };
const sized = (body: Buffer) => Buffer.concat([i32(body.length), body]);
const request = (apiKey: number, version: number, correlationId: number, body: Buffer) => sized(Buffer.concat([i16(apiKey), i16(version), i32(correlationId), str("gauntlet"), body]));
const response = (correlationId: number, body: Buffer) => sized(Buffer.concat([i32(correlationId), body]));

// Produce v7 to topic "t", partitions 0 and 2 (record batches as opaque bytes).
const produceBody = Buffer.concat([str(null), i16(-1), i32(30_000), i32(1), str("t"), i32(2), i32(0), i32(5), Buffer.from("batch"), i32(2), i32(3), Buffer.from("xyz")]);
const requests = Buffer.concat([request(18, 2, 1, Buffer.alloc(0)), request(3, 6, 2, i32(0)), request(0, 7, 3, produceBody), request(8, 5, 4, Buffer.alloc(12))]);
const responses = Buffer.concat([response(3, Buffer.alloc(40, 1)), response(1, Buffer.alloc(9)), response(4, Buffer.alloc(3)), response(2, Buffer.alloc(0)), response(99, Buffer.alloc(2))]);

function split(stream: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let at = 0;
  for (const p of [...points, stream.length]) {
    out.push(stream.subarray(at, p));
    at = p;
  }
  return out;
}

describe("Kafka framing", () => {
  it("names requests by api key and matches responses to them by correlation id", () => {
    const c = new KafkaConnection();
    expect(c.fromClient(requests).map((u) => [u.kind, u.apiVersion, u.correlationId])).toEqual([["ApiVersions", 2, 1], ["Metadata", 6, 2], ["Produce", 7, 3], ["OffsetCommit", 5, 4]]);
    expect(c.fromBroker(responses).map((u) => [u.kind, u.correlationId])).toEqual([["Produce", 3], ["ApiVersions", 1], ["OffsetCommit", 4], ["Metadata", 2], ["unknown", 99]]);
  });

  test.prop([fc.array(fc.nat(), { maxLength: 30 }), fc.array(fc.nat(), { maxLength: 30 })])("any split across reads gives the same messages and bytes", (a, b) => {
    const c = new KafkaConnection();
    const req = split(requests, a).flatMap((chunk) => c.fromClient(chunk));
    const res = split(responses, b).flatMap((chunk) => c.fromBroker(chunk));
    expect(req.map((u) => u.correlationId)).toEqual([1, 2, 3, 4]);
    expect(res.map((u) => u.kind)).toEqual(["Produce", "ApiVersions", "OffsetCommit", "Metadata", "unknown"]);
    expect(Buffer.concat(req.map((u) => u.raw)).equals(requests)).toBe(true);
    expect(Buffer.concat(res.map((u) => u.raw)).equals(responses)).toBe(true);
  });

  it("reads a Produce request's partitions and answers it with an error on each", () => {
    const produce = request(0, 7, 3, produceBody);
    expect(producePartitions(produce)).toEqual([{ topic: "t", partitions: [0, 2] }]);
    const answer = produceErrorResponse(produce, 6)!;
    expect(answer.readInt32BE(0)).toBe(answer.length - 4);
    expect(answer.readInt32BE(4)).toBe(3); // correlation id
    // topics 1, "t", partitions 2, partition 0 error 6 ...
    expect(answer.readInt32BE(8)).toBe(1);
    expect(answer.readInt32BE(15)).toBe(2);
    expect([answer.readInt32BE(19), answer.readInt16BE(23)]).toEqual([0, 6]);
    // v7 partition: index, error, 3 int64 = 30 bytes; second partition follows; then throttle time.
    expect([answer.readInt32BE(49), answer.readInt16BE(53)]).toEqual([2, 6]);
    expect(answer.length).toBe(19 + 30 * 2 + 4);
    expect(produceErrorResponse(request(0, 9, 3, produceBody), 6)).toBeUndefined();
  });
});

describe("OffsetCommit answers", () => {
  const i64 = (n: bigint) => { const b = Buffer.alloc(8); b.writeBigInt64BE(n); return b; };
  // OffsetCommit v5 (kafkajs's highest): group, generation, member, topics [t: partitions [1 @ 42 "", 4 @ 7 null]].
  const body = Buffer.concat([str("g"), i32(3), str("member-1"), i32(1), str("t"), i32(2), i32(1), i64(42n), str(""), i32(4), i64(7n), str(null)]);
  it("reads the partitions of v5 and v2 requests and answers each with the error", () => {
    expect(commitPartitions(request(8, 5, 9, body))).toEqual([{ topic: "t", partitions: [1, 4] }]);
    const v2 = Buffer.concat([str("g"), i32(3), str("member-1"), i64(-1n), i32(1), str("t"), i32(1), i32(0), i64(1n), str(null)]);
    expect(commitPartitions(request(8, 2, 9, v2))).toEqual([{ topic: "t", partitions: [0] }]);
    const answer = commitErrorResponse(request(8, 5, 9, body), 14)!;
    // size, correlation id, throttle, 1 topic "t", 2 partitions: (1, 14), (4, 14)
    expect(answer.length).toBe(4 + 4 + 4 + 4 + 3 + 4 + 2 * 6);
    expect([answer.readInt32BE(4), answer.readInt32BE(8), answer.readInt32BE(12)]).toEqual([9, 0, 1]);
    expect([answer.readInt32BE(23), answer.readInt16BE(27), answer.readInt32BE(29), answer.readInt16BE(33)]).toEqual([1, 14, 4, 14]);
    expect(commitErrorResponse(request(8, 2, 9, v2), 14)!.readInt32BE(8)).toBe(1); // v2: no throttle time
  });
});

describe("Heartbeat answers", () => {
  // Heartbeat v3 (kafkajs's highest): group, generation, member, group instance id.
  const body = Buffer.concat([str("g"), i32(3), str("member-1"), str(null)]);
  it("answers v3 and v0 with the error and the request's correlation id; flexible versions are forwarded", () => {
    const v3 = heartbeatErrorResponse(request(12, 3, 77, body), 27)!;
    expect(v3.length).toBe(4 + 4 + 4 + 2);
    expect([v3.readInt32BE(0), v3.readInt32BE(4), v3.readInt32BE(8), v3.readInt16BE(12)]).toEqual([10, 77, 0, 27]);
    const v0 = heartbeatErrorResponse(request(12, 0, 5, body), 27)!;
    expect([v0.length, v0.readInt32BE(4), v0.readInt16BE(8)]).toEqual([10, 5, 27]);
    expect(heartbeatErrorResponse(request(12, 4, 5, body), 27)).toBeUndefined();
  });
});

describe("Kafka framing on a captured kafkajs 2.2.4 ↔ Kafka 4.1.1 producer session (fixtures/protocol)", () => {
  const dir = new URL("../../../fixtures/protocol/", import.meta.url);
  const client = readFileSync(new URL("kafka-client.bin", dir));
  const broker = readFileSync(new URL("kafka-broker.bin", dir));

  test.prop([fc.array(fc.nat(), { maxLength: 30 }), fc.array(fc.nat(), { maxLength: 30 })])("split anywhere, requests and responses pair up and the bytes are the captured ones", (a, b) => {
    const c = new KafkaConnection();
    const req = split(client, a).flatMap((chunk) => c.fromClient(chunk));
    const res = split(broker, b).flatMap((chunk) => c.fromBroker(chunk));
    expect(req.map((u) => `${u.kind} v${u.apiVersion} #${u.correlationId}`)).toEqual(["ApiVersions v2 #0", "Metadata v6 #1", "Produce v7 #2"]);
    expect(res.map((u) => `${u.kind} #${u.correlationId}`)).toEqual(["ApiVersions #0", "Metadata #1", "Produce #2"]);
    expect(Buffer.concat(req.map((u) => u.raw)).equals(client)).toBe(true);
    expect(Buffer.concat(res.map((u) => u.raw)).equals(broker)).toBe(true);
  });

  it("reads the captured Produce's topic and answers it NOT_LEADER_OR_FOLLOWER in kafkajs's version", () => {
    const produce = new KafkaConnection().fromClient(client).find((u) => u.kind === "Produce")!;
    expect(producePartitions(produce.raw)).toEqual([{ topic: "capture-frames", partitions: [0] }]);
    const answer = produceErrorResponse(produce.raw, 6)!;
    expect(answer.readInt32BE(4)).toBe(produce.correlationId);
    // Same shape as the broker's own answer to it (v7: no per-partition record errors).
    const real = new KafkaConnection();
    real.fromClient(client);
    expect(answer.length).toBe(real.fromBroker(broker).find((u) => u.kind === "Produce")!.raw.length);
  });

  it("rewrites the broker's captured Produce response to REQUEST_TIMED_OUT and changes nothing else", () => {
    const c = new KafkaConnection();
    c.fromClient(client);
    const response = c.fromBroker(broker).find((u) => u.kind === "Produce")!;
    const errorAt = 4 + 4 + 4 + 2 + "capture-frames".length + 4 + 4;
    expect(response.raw.readInt16BE(errorAt)).toBe(0);
    const rewritten = produceResponseWithError(response.raw, response.apiVersion, 7)!;
    expect(rewritten.readInt16BE(errorAt)).toBe(7);
    expect(Buffer.concat([rewritten.subarray(0, errorAt), rewritten.subarray(errorAt + 2)]).equals(Buffer.concat([response.raw.subarray(0, errorAt), response.raw.subarray(errorAt + 2)]))).toBe(true);
    expect(produceResponseWithError(response.raw, 9, 7)).toBeUndefined();
  });
});
